//! Folder and collection levels (docs/rules/sharing.md#folders-collections-and-sharing), what is
//! shared with whom, and how a user's effective level is decided — the rule and its explanation.

use serde::{Deserialize, Serialize};

/// A folder or collection level, lowest to highest. The order is the rule: the highest
/// grant wins; there is no deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    View,
    Contribute,
    Edit,
    Manage,
}

impl Level {
    pub const ALL: [Level; 4] = [Level::View, Level::Contribute, Level::Edit, Level::Manage];

    /// The API value (`view`, `contribute`, `edit`, `manage`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Level::View => "view",
            Level::Contribute => "contribute",
            Level::Edit => "edit",
            Level::Manage => "manage",
        }
    }

    /// The console's words: "can view" … "can manage".
    pub const fn label(self) -> &'static str {
        match self {
            Level::View => "can view",
            Level::Contribute => "can contribute",
            Level::Edit => "can edit",
            Level::Manage => "can manage",
        }
    }

    /// 1 (view) … 4 (manage): how the store ranks grants.
    pub const fn rank(self) -> i64 {
        match self {
            Level::View => 1,
            Level::Contribute => 2,
            Level::Edit => 3,
            Level::Manage => 4,
        }
    }

    pub fn from_rank(rank: i64) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.rank() == rank)
    }

    /// A level named in a form or request; anything else is refused with the list.
    pub fn parse(s: &str) -> Result<Level, String> {
        let s = s.trim();
        Level::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| {
                format!("Unknown level \"{s}\": choose view, contribute, edit or manage")
            })
    }

    /// The system role a grant of this level assigns (docs/rules/roles.md#assignments):
    /// `view@folder`, ….
    pub fn role_id(self, kind: ItemKind) -> String {
        format!("{}@{}", self.as_str(), kind.as_str())
    }

    /// The level a system role id stands for, if it is a level role of `kind`.
    pub fn from_role_id(role_id: &str, kind: ItemKind) -> Option<Level> {
        let (level, k) = role_id.split_once('@')?;
        (k == kind.as_str())
            .then(|| Level::parse(level).ok())
            .flatten()
    }

    /// What the level allows, for the role catalogue and the share dialog.
    pub const fn allows(self, kind: ItemKind) -> &'static str {
        match (kind, self) {
            (ItemKind::Folder, Level::View) => "browse, search and download public assets",
            (ItemKind::Folder, Level::Contribute) => "also upload and create subfolders",
            (ItemKind::Folder, Level::Edit) => {
                "also edit any asset, rename and move assets and subfolders"
            }
            (ItemKind::Folder, Level::Manage) => {
                "also delete, download originals, rename, move or delete the folder, and share"
            }
            (ItemKind::Collection, Level::View) => {
                "see the collection and download its public assets"
            }
            (ItemKind::Collection, Level::Contribute) => {
                "also add assets from folders they can view"
            }
            (ItemKind::Collection, Level::Edit) => "also remove assets, rename and describe",
            (ItemKind::Collection, Level::Manage) => "also share and delete",
        }
    }
}

/// What can be shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Folder,
    Collection,
}

impl ItemKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            ItemKind::Folder => "folder",
            ItemKind::Collection => "collection",
        }
    }

    pub fn parse(s: &str) -> Option<ItemKind> {
        match s {
            "folder" => Some(ItemKind::Folder),
            "collection" => Some(ItemKind::Collection),
            _ => None,
        }
    }

    /// The assignment scope of one item: `folder:<environment id>/<folder id>`.
    pub fn scope(self, environment_id: &str, item_id: &str) -> String {
        format!("{}{item_id}", self.scope_prefix(environment_id))
    }

    /// The scope prefix of every item of this kind in one environment.
    pub fn scope_prefix(self, environment_id: &str) -> String {
        format!("{}:{environment_id}/", self.as_str())
    }
}

/// Who a grant is to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GranteeKind {
    User,
    Group,
}

impl GranteeKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            GranteeKind::User => "user",
            GranteeKind::Group => "group",
        }
    }

    pub fn parse(s: &str) -> Option<GranteeKind> {
        match s {
            "user" => Some(GranteeKind::User),
            "group" => Some(GranteeKind::Group),
            _ => None,
        }
    }
}

/// A grantee as a form names it: `user:<id>` or `group:<id>`.
pub fn parse_grantee(s: &str) -> Result<(GranteeKind, String), String> {
    let (kind, id) = s.trim().split_once(':').unwrap_or(("", ""));
    match (GranteeKind::parse(kind), id.trim()) {
        (Some(k), id) if !id.is_empty() => Ok((k, id.to_string())),
        _ => Err(format!("\"{s}\" is not a user or group")),
    }
}

/// One grant that reaches an item: made on the item itself or on an ancestor folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub grantee_kind: GranteeKind,
    pub grantee_id: String,
    /// The user's name or email, or the group's name.
    pub grantee_label: String,
    pub level: Level,
    /// The folder the grant was made on: this item, or an ancestor (inherited).
    pub on_id: String,
    /// Its path (`/campaigns/2026`); for a collection, its name.
    pub on_path: String,
    pub inherited: bool,
}

/// Where a user's level comes from, in the explainer's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    /// The user's role manages every folder and collection (`media_library.all_folders`).
    Role { role: String },
    /// Shared with the user.
    Direct,
    /// Shared with a group the user belongs to.
    Group { id: String, name: String },
}

/// One link in the chain that grants a level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub source: Source,
    pub level: Level,
    /// The ancestor folder the grant was made on (`Some("/a/b")`), or `None` when it was
    /// made on the item itself (or comes from the role).
    pub inherited_from: Option<String>,
    /// This reason gives the effective level (one of the highest).
    pub decides: bool,
}

impl Reason {
    /// "via group Designers, inherited from /campaigns: can view".
    pub fn describe(&self) -> String {
        let via = match &self.source {
            Source::Role { role } => format!("has access through role ({role})"),
            Source::Direct => "shared with them directly".to_string(),
            Source::Group { name, .. } => format!("via group {name}"),
        };
        match &self.inherited_from {
            Some(path) => format!("{via}, inherited from {path}: {}", self.level.label()),
            None => format!("{via}: {}", self.level.label()),
        }
    }
}

/// The effective level and every reason behind it
/// (docs/rules/sharing.md#folders-collections-and-sharing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    pub user_id: String,
    pub user_label: String,
    pub kind: ItemKind,
    pub item_id: String,
    pub item_path: String,
    pub level: Option<Level>,
    pub reasons: Vec<Reason>,
    /// Why there is no level at all, when nothing applies (inactive, no access to the
    /// environment, nothing shared).
    pub none_because: Option<String>,
}

/// The rule: the highest level among the reasons, marking those that decide it. Users
/// who may not use the Media Library (disabled, inactive, no access to the environment)
/// have none, whatever was shared.
pub fn decide(mut reasons: Vec<Reason>, may_use: bool) -> (Option<Level>, Vec<Reason>) {
    if !may_use {
        for r in &mut reasons {
            r.decides = false;
        }
        return (None, reasons);
    }
    let best = reasons.iter().map(|r| r.level).max();
    for r in &mut reasons {
        r.decides = Some(r.level) == best;
    }
    reasons.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then(a.inherited_from.is_some().cmp(&b.inherited_from.is_some()))
    });
    (best, reasons)
}

/// Folder names: 1–255 characters, none of `/ \ ? & # % < > " :`, not `.` or `..`.
pub fn folder_name(raw: &str) -> Result<String, String> {
    let name = super::validation::name(raw, 1, 255, "Folder name")?;
    if name == "." || name == ".." {
        return Err("Folder name can't be . or ..".into());
    }
    if let Some(c) = name.chars().find(|c| "/\\?&#%<>\":".contains(*c)) {
        return Err(format!("Folder name can't contain \"{c}\""));
    }
    Ok(name)
}

pub fn collection_name(raw: &str) -> Result<String, String> {
    super::validation::name(raw, 1, 255, "Collection name")
}

/// A folder as the Media Library lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderEntry {
    pub id: String,
    pub name: String,
    pub path: String,
    /// The viewer's level here; `None` for a folder shown only because something shared
    /// with them lies inside it (its name, nothing else).
    pub level: Option<Level>,
    /// Something is shared on this folder (the shared icon); never said of a folder the
    /// viewer only passes through.
    pub shared: bool,
    /// How many subfolders it has; `None` for a folder the viewer only passes through.
    pub subfolders: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionEntry {
    pub id: String,
    pub name: String,
    pub description: String,
    pub level: Level,
    pub shared: bool,
}

/// One folder of the Media Library (or its root) as one viewer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderView {
    pub environment_id: String,
    /// `None` at the root.
    pub folder: Option<FolderEntry>,
    /// From the root down to the folder's parent: `(id, name)`.
    pub ancestors: Vec<(String, String)>,
    pub folders: Vec<FolderEntry>,
    /// The environment's collections the viewer may see (listed at the root).
    pub collections: Vec<CollectionEntry>,
    /// The viewer may create a folder here.
    pub may_create_folder: bool,
    pub may_create_collection: bool,
    /// The viewer sees every folder (their role manages all of them).
    pub sees_all: bool,
}

/// A user or group the share dialog offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub kind: GranteeKind,
    pub id: String,
    pub label: String,
    /// Their role gives them access anyway ("has access through role").
    pub through_role: bool,
}

/// The share dialog of one folder or collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shares {
    pub kind: ItemKind,
    pub item_id: String,
    pub item_path: String,
    pub grants: Vec<Grant>,
    pub candidates: Vec<Candidate>,
    /// More users or groups match than are offered: narrow the search.
    pub more_candidates: bool,
    /// The highest level the viewer may grant here.
    pub may_grant_up_to: Level,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(source: Source, level: Level, from: Option<&str>) -> Reason {
        Reason {
            source,
            level,
            inherited_from: from.map(str::to_string),
            decides: false,
        }
    }

    fn group(name: &str) -> Source {
        Source::Group {
            id: name.to_lowercase(),
            name: name.into(),
        }
    }

    /// Direct, group and inherited grants: the highest wins, whatever its source; a
    /// user who may not use the Media Library has none; no grants, no level.
    #[test]
    fn the_highest_grant_decides() {
        use Level::*;
        let cases: Vec<(Vec<Reason>, bool, Option<Level>, usize)> = vec![
            (vec![], true, None, 0),
            (
                vec![reason(Source::Direct, View, None)],
                true,
                Some(View),
                1,
            ),
            (
                vec![reason(group("Design"), Edit, None)],
                true,
                Some(Edit),
                1,
            ),
            (
                vec![
                    reason(Source::Direct, View, Some("/a")),
                    reason(group("Design"), Contribute, None),
                ],
                true,
                Some(Contribute),
                1,
            ),
            // Inherited beats a lower grant on the item itself: a deeper grant never lowers.
            (
                vec![
                    reason(group("Design"), Manage, Some("/a")),
                    reason(Source::Direct, View, None),
                ],
                true,
                Some(Manage),
                1,
            ),
            (
                vec![
                    reason(Source::Direct, Edit, None),
                    reason(group("Design"), Edit, Some("/a")),
                ],
                true,
                Some(Edit),
                2,
            ),
            (vec![reason(Source::Direct, Manage, None)], false, None, 0),
        ];
        for (reasons, may_use, level, deciding) in cases {
            let (got, reasons) = decide(reasons, may_use);
            assert_eq!(got, level);
            assert_eq!(reasons.iter().filter(|r| r.decides).count(), deciding);
            if let Some(first) = reasons.first().filter(|_| may_use) {
                assert!(first.decides, "the deciding reason comes first");
            }
        }
    }

    #[test]
    fn levels_parse_rank_and_name_their_roles() {
        assert!(Level::View < Level::Contribute && Level::Edit < Level::Manage);
        for l in Level::ALL {
            assert_eq!(Level::parse(l.as_str()), Ok(l));
            assert_eq!(Level::from_rank(l.rank()), Some(l));
            assert_eq!(
                Level::from_role_id(&l.role_id(ItemKind::Folder), ItemKind::Folder),
                Some(l)
            );
            assert_eq!(
                Level::from_role_id(&l.role_id(ItemKind::Folder), ItemKind::Collection),
                None
            );
        }
        assert!(Level::parse("owner").unwrap_err().contains("owner"));
        assert_eq!(ItemKind::Folder.scope("e1", "f1"), "folder:e1/f1");
        assert_eq!(
            parse_grantee("group:g1"),
            Ok((GranteeKind::Group, "g1".into()))
        );
        assert!(parse_grantee("role:x").is_err() && parse_grantee("user:").is_err());
        let r = reason(group("Designers"), Level::View, Some("/campaigns"));
        assert_eq!(
            r.describe(),
            "via group Designers, inherited from /campaigns: can view"
        );
    }

    #[test]
    fn folder_names_follow_the_rules() {
        assert_eq!(folder_name("  campaigns "), Ok("campaigns".into()));
        for bad in ["", "a/b", "..", "x?y", "q#", &"n".repeat(256)] {
            assert!(folder_name(bad).is_err(), "{bad}");
        }
    }
}
