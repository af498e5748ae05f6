//! The Upload page: presets, default presets, auto-upload mappings, max file sizes.

use super::{Editor, EditorContext};
use crate::components::fields::{error_of, CheckInput, LinesInput, SelectInput, TextInput};
use crate::domain::settings::{
    AutoUploadMapping, PresetSigning, Settings, UploadPreset, UploadSettings,
};
use leptos::prelude::*;

pub fn editor(initial: UploadSettings, cx: EditorContext) -> Editor {
    let s = RwSignal::new(initial);
    let view = view! {
        <Presets s cx/>
        <Defaults s cx/>
        <Mappings s cx/>
        <Sizes s cx/>
    }
    .into_any();
    Editor {
        view,
        draft: Box::new(move || Settings::Upload(s.get_untracked())),
    }
}

#[component]
fn Presets(s: RwSignal<UploadSettings>, cx: EditorContext) -> impl IntoView {
    let count = Memo::new(move |_| s.with(|v| v.presets.len()));
    let add = move |_| {
        s.update(|v| {
            let n = v.presets.len() + 1;
            v.presets.push(UploadPreset::new(&format!("preset_{n}")))
        })
    };
    view! {
        <section class="panel" aria-labelledby="presets-title">
            <h2 id="presets-title">"Upload presets"</h2>
            <p class="field-hint">"Up to 200. Names use letters, digits, \"_\" and \"-\"."</p>
            <p class="field-error">{move || error_of(cx.errors, "presets").get()}</p>
            {move || (count.get() == 0).then(|| view! { <p class="state state-empty">"No upload presets yet."</p> })}
            <ol class="rows">
                {move || (0..count.get()).map(|i| view! { <PresetRow s i cx/> }).collect_view()}
            </ol>
            {move || (!cx.readonly.get()).then(|| view! {
                <button type="button" class="button" on:click=add>"Add upload preset"</button>
            })}
        </section>
    }
}

#[component]
fn PresetRow(s: RwSignal<UploadSettings>, i: usize, cx: EditorContext) -> impl IntoView {
    let n = i + 1;
    let get = move |f: fn(&UploadPreset) -> String| {
        Signal::derive(move || s.with(|v| v.presets.get(i).map(f).unwrap_or_default()))
    };
    let flag = move |f: fn(&UploadPreset) -> bool| {
        Signal::derive(move || s.with(|v| v.presets.get(i).is_some_and(f)))
    };
    let set = move |f: fn(&mut UploadPreset, String)| {
        Callback::new(move |x: String| {
            s.update(|v| {
                if let Some(p) = v.presets.get_mut(i) {
                    f(p, x)
                }
            })
        })
    };
    let set_flag = move |f: fn(&mut UploadPreset, bool)| {
        Callback::new(move |x: bool| {
            s.update(|v| {
                if let Some(p) = v.presets.get_mut(i) {
                    f(p, x)
                }
            })
        })
    };
    let disabled = cx.readonly;
    view! {
        <li class="row-card">
            <fieldset>
                <legend>{format!("Preset {n}")}</legend>
                <div class="field-row">
                    <TextInput id=format!("preset-{n}-name") label=format!("Preset {n} name")
                        value=get(|p| p.name.clone()) on_input=set(|p, x| p.name = x)
                        error=error_of(cx.errors, format!("presets.{i}.name")) readonly=disabled/>
                    <SelectInput id=format!("preset-{n}-signing") label=format!("Preset {n} signing mode")
                        options=vec![("signed".into(), "Signed".into()), ("unsigned".into(), "Unsigned".into())]
                        value=get(|p| if p.signing == PresetSigning::Signed { "signed".into() } else { "unsigned".into() })
                        on_change=set(|p, x| p.signing = if x == "unsigned" { PresetSigning::Unsigned } else { PresetSigning::Signed })
                        disabled/>
                    <TextInput id=format!("preset-{n}-folder") label=format!("Preset {n} folder")
                        value=get(|p| p.folder.clone()) on_input=set(|p, x| p.folder = x)
                        error=error_of(cx.errors, format!("presets.{i}.folder")) readonly=disabled/>
                </div>
                <LinesInput id=format!("preset-{n}-tags") label=format!("Preset {n} tags")
                    value=Signal::derive(move || s.with(|v| v.presets.get(i).map(|p| p.tags.clone()).unwrap_or_default()))
                    on_change=Callback::new(move |t: Vec<String>| s.update(|v| if let Some(p) = v.presets.get_mut(i) { p.tags = t }))
                    error=error_of(cx.errors, format!("presets.{i}.tags")) readonly=disabled
                    hint="Up to 20, one per line."/>
                <div class="choice-group">
                    <CheckInput id=format!("preset-{n}-overwrite") label=format!("Preset {n}: overwrite")
                        checked=flag(|p| p.overwrite) on_change=set_flag(|p, x| p.overwrite = x) disabled/>
                    <CheckInput id=format!("preset-{n}-unique") label=format!("Preset {n}: unique filename")
                        checked=flag(|p| p.unique_filename) on_change=set_flag(|p, x| p.unique_filename = x) disabled/>
                    <CheckInput id=format!("preset-{n}-use-filename") label=format!("Preset {n}: use filename")
                        checked=flag(|p| p.use_filename) on_change=set_flag(|p, x| p.use_filename = x) disabled/>
                </div>
                {move || (!disabled.get()).then(|| view! {
                    <button type="button" class="button button-quiet"
                        on:click=move |_| s.update(|v| { if i < v.presets.len() { v.presets.remove(i); } })>
                        {format!("Remove preset {n}")}
                    </button>
                })}
            </fieldset>
        </li>
    }
}

#[component]
fn Defaults(s: RwSignal<UploadSettings>, cx: EditorContext) -> impl IntoView {
    let options = Signal::derive(move || {
        let mut o = vec![(String::new(), "None".to_string())];
        s.with(|v| o.extend(v.presets.iter().map(|p| (p.name.clone(), p.name.clone()))));
        o
    });
    let pick = move |api: bool| {
        Callback::new(move |x: String| {
            let x = Some(x).filter(|x| !x.is_empty());
            s.update(|v| {
                if api {
                    v.default_api_preset = x
                } else {
                    v.default_media_library_preset = x
                }
            })
        })
    };
    view! {
        <section class="panel" aria-labelledby="defaults-title">
            <h2 id="defaults-title">"Default upload presets"</h2>
            {move || {
                let opts = options.get();
                view! {
                    <div class="field-row">
                        <SelectInput id="default-api-preset" label="Default preset for API uploads" options=opts.clone()
                            value=Signal::derive(move || s.with(|v| v.default_api_preset.clone().unwrap_or_default()))
                            on_change=pick(true) error=error_of(cx.errors, "default_api_preset") disabled=cx.readonly/>
                        <SelectInput id="default-ml-preset" label="Default preset for Media Library uploads" options=opts
                            value=Signal::derive(move || s.with(|v| v.default_media_library_preset.clone().unwrap_or_default()))
                            on_change=pick(false) error=error_of(cx.errors, "default_media_library_preset") disabled=cx.readonly/>
                    </div>
                }
            }}
        </section>
    }
}

#[component]
fn Mappings(s: RwSignal<UploadSettings>, cx: EditorContext) -> impl IntoView {
    let count = Memo::new(move |_| s.with(|v| v.mappings.len()));
    let add = move |_| {
        s.update(|v| {
            v.mappings.push(AutoUploadMapping {
                folder: String::new(),
                url_prefix: "https://".into(),
            })
        })
    };
    view! {
        <section class="panel" aria-labelledby="mappings-title">
            <h2 id="mappings-title">"Auto-upload mappings"</h2>
            <p class="field-hint">"Up to 100: a folder and the URL prefix its files are fetched from on first request."</p>
            <p class="field-error">{move || error_of(cx.errors, "mappings").get()}</p>
            {move || (count.get() == 0).then(|| view! { <p class="state state-empty">"No auto-upload mappings yet."</p> })}
            <ol class="rows">
                {move || (0..count.get()).map(|i| {
                    let n = i + 1;
                    let field = move |f: fn(&AutoUploadMapping) -> String| {
                        Signal::derive(move || s.with(|v| v.mappings.get(i).map(f).unwrap_or_default()))
                    };
                    let set = move |f: fn(&mut AutoUploadMapping, String)| {
                        Callback::new(move |x: String| s.update(|v| if let Some(m) = v.mappings.get_mut(i) { f(m, x) }))
                    };
                    view! {
                        <li class="row-card field-row">
                            <TextInput id=format!("mapping-{n}-folder") label=format!("Mapping {n} folder")
                                value=field(|m| m.folder.clone()) on_input=set(|m, x| m.folder = x)
                                error=error_of(cx.errors, format!("mappings.{i}.folder")) readonly=cx.readonly/>
                            <TextInput id=format!("mapping-{n}-url") label=format!("Mapping {n} URL prefix")
                                value=field(|m| m.url_prefix.clone()) on_input=set(|m, x| m.url_prefix = x)
                                error=error_of(cx.errors, format!("mappings.{i}.url_prefix")) readonly=cx.readonly/>
                            {move || (!cx.readonly.get()).then(|| view! {
                                <button type="button" class="button button-quiet"
                                    on:click=move |_| s.update(|v| { if i < v.mappings.len() { v.mappings.remove(i); } })>
                                    {format!("Remove mapping {n}")}
                                </button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
            {move || (!cx.readonly.get()).then(|| view! {
                <button type="button" class="button" on:click=add>"Add mapping"</button>
            })}
        </section>
    }
}

#[component]
fn Sizes(s: RwSignal<UploadSettings>, cx: EditorContext) -> impl IntoView {
    let size = move |get: fn(&UploadSettings) -> u32, put: fn(&mut UploadSettings, u32)| {
        (
            Signal::derive(move || s.with(|v| get(v).to_string())),
            Callback::new(move |x: String| {
                let n = x.trim().parse().unwrap_or(0);
                s.update(|v| put(v, n))
            }),
        )
    };
    let (image, set_image) = size(|v| v.max_file_mb.image, |v, n| v.max_file_mb.image = n);
    let (video, set_video) = size(|v| v.max_file_mb.video, |v, n| v.max_file_mb.video = n);
    let (raw, set_raw) = size(|v| v.max_file_mb.raw, |v, n| v.max_file_mb.raw = n);
    view! {
        <section class="panel" aria-labelledby="sizes-title">
            <h2 id="sizes-title">"Maximum file sizes"</h2>
            <p class="field-hint">"In MB, at most your plan's maximum."</p>
            <div class="field-row">
                <TextInput id="max-image" label="Max image size (MB)" kind="number" value=image on_input=set_image
                    error=error_of(cx.errors, "max_file_mb.image") readonly=cx.readonly/>
                <TextInput id="max-video" label="Max video size (MB)" kind="number" value=video on_input=set_video
                    error=error_of(cx.errors, "max_file_mb.video") readonly=cx.readonly/>
                <TextInput id="max-raw" label="Max raw file size (MB)" kind="number" value=raw on_input=set_raw
                    error=error_of(cx.errors, "max_file_mb.raw") readonly=cx.readonly/>
            </div>
        </section>
    }
}
