//! The Upload page: presets, the default presets, auto-upload mappings and size limits.

use super::checks;
use crate::domain::plan::FileSizes;
use crate::domain::{FieldErrors, Plan};
use serde::{Deserialize, Serialize};

pub const MAX_PRESETS: usize = 200;
pub const MAX_MAPPINGS: usize = 100;
pub const MAX_PRESET_TAGS: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PresetSigning {
    Signed,
    Unsigned,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadPreset {
    /// Unique in the environment: `[A-Za-z0-9_-]{1,64}`.
    pub name: String,
    pub signing: PresetSigning,
    /// Where uploads land (empty: the root).
    pub folder: String,
    pub tags: Vec<String>,
    pub overwrite: bool,
    pub unique_filename: bool,
    pub use_filename: bool,
}

impl UploadPreset {
    /// A new row of the form.
    pub fn new(name: &str) -> UploadPreset {
        UploadPreset {
            name: name.to_string(),
            signing: PresetSigning::Signed,
            folder: String::new(),
            tags: Vec::new(),
            overwrite: true,
            unique_filename: true,
            use_filename: false,
        }
    }
}

/// Files appearing under `url_prefix` are fetched into `folder` on first request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoUploadMapping {
    /// Unique among the mappings.
    pub folder: String,
    pub url_prefix: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadSettings {
    pub presets: Vec<UploadPreset>,
    /// The preset API uploads use when they name none.
    pub default_api_preset: Option<String>,
    /// The preset Media Library uploads use.
    pub default_media_library_preset: Option<String>,
    pub mappings: Vec<AutoUploadMapping>,
    /// Largest upload per resource type (MB), at most the plan's.
    pub max_file_mb: FileSizes,
}

fn preset_name(raw: &str) -> Result<String, String> {
    let v = raw.trim();
    if v.is_empty() {
        return Err("Preset name is required".into());
    }
    if v.len() > 64
        || !v
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(format!(
            "\"{v}\": use 1–64 letters, digits, \"_\" or \"-\" for a preset name"
        ));
    }
    Ok(v.to_string())
}

impl UploadSettings {
    pub fn defaults(plan: &Plan) -> UploadSettings {
        UploadSettings {
            presets: Vec::new(),
            default_api_preset: None,
            default_media_library_preset: None,
            mappings: Vec::new(),
            max_file_mb: plan.max_file_mb,
        }
    }

    pub(super) fn validate(self, plan: &Plan, e: &mut FieldErrors) -> UploadSettings {
        if self.presets.len() > MAX_PRESETS {
            e.add(
                "presets",
                format!("At most {MAX_PRESETS} upload presets per product environment"),
            );
        }
        let mut presets: Vec<UploadPreset> = Vec::new();
        for (i, p) in self.presets.into_iter().enumerate() {
            let name = e.check(&format!("presets.{i}.name"), preset_name(&p.name));
            if let Some(n) = &name {
                if presets.iter().any(|q| q.name.eq_ignore_ascii_case(n)) {
                    e.add(
                        &format!("presets.{i}.name"),
                        format!("Upload preset \"{n}\" already exists"),
                    );
                }
            }
            let folder = e.check(
                &format!("presets.{i}.folder"),
                checks::folder(&p.folder, "Folder"),
            );
            let tags = e.check(
                &format!("presets.{i}.tags"),
                checks::tags(&p.tags, MAX_PRESET_TAGS),
            );
            presets.push(UploadPreset {
                name: name.unwrap_or(p.name),
                folder: folder.unwrap_or_default(),
                tags: tags.unwrap_or_default(),
                ..p
            });
        }
        let mut default = |field: &str, v: Option<String>| -> Option<String> {
            let v = v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())?;
            if !presets.iter().any(|p| p.name == v) {
                e.add(field, format!("No upload preset is named \"{v}\""));
            }
            Some(v)
        };
        let default_api_preset = default("default_api_preset", self.default_api_preset);
        let default_media_library_preset = default(
            "default_media_library_preset",
            self.default_media_library_preset,
        );
        if self.mappings.len() > MAX_MAPPINGS {
            e.add(
                "mappings",
                format!("At most {MAX_MAPPINGS} auto-upload mappings per product environment"),
            );
        }
        let mut mappings: Vec<AutoUploadMapping> = Vec::new();
        for (i, m) in self.mappings.into_iter().enumerate() {
            let folder = e.check(
                &format!("mappings.{i}.folder"),
                checks::folder(&m.folder, "Folder").and_then(|f| {
                    if f.is_empty() {
                        Err("Folder is required".into())
                    } else {
                        Ok(f)
                    }
                }),
            );
            if let Some(f) = &folder {
                if mappings.iter().any(|o| &o.folder == f) {
                    e.add(
                        &format!("mappings.{i}.folder"),
                        format!("Folder \"{f}\" is already mapped"),
                    );
                }
            }
            let url = e.check(
                &format!("mappings.{i}.url_prefix"),
                checks::web_url(&m.url_prefix, false, "URL prefix"),
            );
            mappings.push(AutoUploadMapping {
                folder: folder.unwrap_or(m.folder),
                url_prefix: url.unwrap_or(m.url_prefix),
            });
        }
        let max = plan.max_file_mb;
        for (field, v, cap) in [
            ("max_file_mb.image", self.max_file_mb.image, max.image),
            ("max_file_mb.video", self.max_file_mb.video, max.video),
            ("max_file_mb.raw", self.max_file_mb.raw, max.raw),
        ] {
            if v == 0 || v > cap {
                e.add(
                    field,
                    format!("Choose 1–{cap} MB (the {} plan's maximum)", plan.name),
                );
            }
        }
        UploadSettings {
            presets,
            default_api_preset,
            default_media_library_preset,
            mappings,
            max_file_mb: self.max_file_mb,
        }
    }

    /// Sizes above the plan's maximum read as the maximum (after a plan change).
    pub(super) fn capped(self, plan: &Plan) -> UploadSettings {
        let m = plan.max_file_mb;
        UploadSettings {
            max_file_mb: FileSizes {
                image: self.max_file_mb.image.min(m.image),
                video: self.max_file_mb.video.min(m.video),
                raw: self.max_file_mb.raw.min(m.raw),
            },
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plus() -> &'static Plan {
        Plan::find("plus").unwrap()
    }

    fn check(s: UploadSettings) -> Result<UploadSettings, FieldErrors> {
        let mut e = FieldErrors::new();
        let v = s.validate(plus(), &mut e);
        e.into_result().map(|()| v)
    }

    #[test]
    fn a_good_page_is_normalized() {
        let mut s = UploadSettings::defaults(plus());
        let mut p = UploadPreset::new(" product_shots ");
        p.folder = "/catalog/shoes/".into();
        p.tags = vec!["shoes".into(), " shoes ".into()];
        s.presets.push(p);
        s.default_api_preset = Some("product_shots".into());
        s.mappings.push(AutoUploadMapping {
            folder: "remote".into(),
            url_prefix: "https://assets.example.com/img/".into(),
        });
        let v = check(s).unwrap();
        assert_eq!(v.presets[0].name, "product_shots");
        assert_eq!(v.presets[0].folder, "catalog/shoes");
        assert_eq!(v.presets[0].tags, ["shoes"]);
    }

    #[test]
    fn one_bad_row_names_its_field() {
        let mut s = UploadSettings::defaults(plus());
        s.presets.push(UploadPreset::new("a"));
        s.presets.push(UploadPreset::new("A"));
        s.presets.push(UploadPreset::new("bad name"));
        s.default_media_library_preset = Some("ghost".into());
        s.mappings.push(AutoUploadMapping {
            folder: "x".into(),
            url_prefix: "ftp://nope".into(),
        });
        s.max_file_mb.video = 5000;
        let e = check(s).unwrap_err();
        assert!(e.get("presets.1.name").unwrap().contains("already exists"));
        assert!(e.get("presets.2.name").is_some());
        assert!(e.get("default_media_library_preset").is_some());
        assert!(e.get("mappings.0.url_prefix").is_some());
        assert!(e.get("max_file_mb.video").unwrap().contains("2048"));
        assert!(e.get("presets.0.name").is_none());
    }

    #[test]
    fn limits_on_list_sizes() {
        let mut s = UploadSettings::defaults(plus());
        s.presets = (0..201)
            .map(|i| UploadPreset::new(&format!("p{i}")))
            .collect();
        assert!(check(s).unwrap_err().get("presets").is_some());
    }

    #[test]
    fn sizes_are_capped_by_a_smaller_plan() {
        let s = UploadSettings::defaults(Plan::find("enterprise").unwrap());
        let free = Plan::find("free").unwrap();
        assert_eq!(s.capped(free).max_file_mb, free.max_file_mb);
    }
}
