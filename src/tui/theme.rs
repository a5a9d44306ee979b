//! Themes: TOML files with a palette, `inherits` and one style per screen element.
//!
//! Resolution (as helix does it): built-in `default` → the `inherits` chain (depth ≤ 4) → the named
//! theme. Colours are a palette alias, an ANSI name (`red`, `light-blue`, `reset`), `0`–`255`, or
//! `#rrggbb`. Without truecolor support RGB colours are downgraded to the nearest of the 256
//! colours; with `NO_COLOR` colours are dropped and selection and matches get reverse video. A
//! theme with an error falls back to `default` and reports why.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

/// Built-in themes, embedded in the binary.
pub const BUILTIN: [(&str, &str); 4] = [
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("dark", include_str!("../../themes/dark.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

/// Every style key a theme may set, with what it colours.
pub(crate) const STYLE_KEYS: [&str; 26] = [
    "text",           // article and list text
    "dim",            // secondary text: dates, sources, counts
    "title",          // article title in the reader
    "meta",           // the date/source line under the title
    "border",         // pane borders
    "border_focused", // border of the focused pane
    "selection",      // the selected row
    "unread",         // unread marker and unread titles
    "read",           // read titles
    "search_match",   // highlighted matches and mentions
    "search_current", // the match n/N is on
    "entity_person",  // sidebar names
    "entity_place",
    "entity_org",
    "entity_date",
    "heading", // sidebar group headings
    "status",  // status line
    "error",   // error messages
    "hint",    // the key hint bar
    "input",   // search input
    "gauge",   // the indexing progress gauge
    // Markdown articles (`**strong**` is bold, `*emphasis*` italic and `~~struck~~` crossed
    // out in every theme):
    "md_heading", // headings after the title
    "md_quote",   // block quotes
    "md_code",    // `code` and code blocks
    "md_link",    // the text of a link
    "md_note",    // footnote numbers and the list of link addresses
];

/// A parsed theme file.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(default, deny_unknown_fields)]
pub struct ThemeFile {
    /// Theme this one starts from.
    pub inherits: Option<String>,
    /// Named colours usable in styles.
    pub palette: BTreeMap<String, String>,
    /// Styles by element key.
    pub styles: BTreeMap<String, StyleSpec>,
}

/// One element's style as written in TOML.
#[derive(Debug, Deserialize, Default, Clone, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct StyleSpec {
    /// Foreground colour.
    pub fg: Option<String>,
    /// Background colour.
    pub bg: Option<String>,
    /// Bold.
    pub bold: Option<bool>,
    /// Italic.
    pub italic: Option<bool>,
    /// Underline.
    pub underline: Option<bool>,
    /// Reverse video.
    pub reversed: Option<bool>,
    /// Dim.
    pub dim: Option<bool>,
}

/// How many colours the terminal can show. Parses from `truecolor`/`24bit`, `256`, `16`,
/// `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString)]
pub enum ColorSupport {
    /// 24-bit colour.
    #[strum(serialize = "truecolor", serialize = "24bit")]
    TrueColor,
    /// The 256-colour palette.
    #[strum(serialize = "256")]
    Ansi256,
    /// The 16 ANSI colours only.
    #[strum(serialize = "16")]
    Ansi16,
    /// No colour at all (NO_COLOR): bold and reverse only.
    #[strum(serialize = "none")]
    None,
}

impl ColorSupport {
    /// From the environment: `NO_COLOR` (non-empty) ⇒ none; `COLORTERM=truecolor|24bit` ⇒
    /// truecolor; otherwise 256. Never queries the terminal.
    pub fn from_env() -> Self {
        Self::from_vars(
            std::env::var("NO_COLOR").ok().as_deref(),
            std::env::var("COLORTERM").ok().as_deref(),
        )
    }

    /// As [`ColorSupport::from_env`], from given values (for tests).
    pub(crate) fn from_vars(no_color: Option<&str>, colorterm: Option<&str>) -> Self {
        if no_color.is_some_and(|v| !v.is_empty()) {
            ColorSupport::None
        } else if matches!(colorterm, Some("truecolor") | Some("24bit")) {
            ColorSupport::TrueColor
        } else {
            ColorSupport::Ansi256
        }
    }
}

/// A resolved theme: one ratatui [`Style`] per element.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    /// Name it was loaded as.
    pub name: String,
    styles: BTreeMap<String, Style>,
}

impl Theme {
    /// The style of element `key` (empty style when unset).
    pub fn style(&self, key: &str) -> Style {
        self.styles.get(key).copied().unwrap_or_default()
    }

    /// The built-in default theme (cannot fail: it is tested).
    #[cfg(test)]
    pub(crate) fn default_theme(support: ColorSupport) -> Theme {
        load_theme("default", None, support).0
    }
}

fn find_file(name: &str, user_dir: Option<&Path>) -> Result<String, String> {
    if let Some(dir) = user_dir {
        let p = dir.join(format!("{name}.toml"));
        if p.is_file() {
            return std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()));
        }
    }
    BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| t.to_string())
        .ok_or_else(|| format!("no theme named {name:?}"))
}

fn parse_color(s: &str, palette: &BTreeMap<String, String>) -> Result<Color, String> {
    let s = palette.get(s).map(String::as_str).unwrap_or(s);
    // ratatui accepts "bright" spelt "light"; accept both.
    let norm = s.replace("bright", "light");
    if norm.starts_with('#') && norm.len() != 7 {
        return Err(format!("bad colour {s:?} (use #rrggbb)"));
    }
    Color::from_str(&norm).map_err(|_| format!("bad colour {s:?}"))
}

/// RGB of an xterm-256 index (ansi_colours uses xterm's values, the same as [`ANSI16`] for
/// 0–15).
fn index_rgb(i: u8) -> (u8, u8, u8) {
    ansi_colours::rgb_from_ansi256(i)
}

/// The 16 ANSI colours with xterm's default RGB values.
const ANSI16: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

/// Nearest of the 16 ANSI colours. Hand-written: ansi_colours maps only to the 256 palette and
/// leaves the first 16 out on purpose (terminals let users change them); xterm's defaults above
/// are the best guess there is.
fn nearest_16(r: u8, g: u8, b: u8) -> Color {
    let d = |x: u8, y: u8| (x as i32 - y as i32).pow(2);
    ANSI16
        .iter()
        .min_by_key(|(_, (cr, cg, cb))| d(*cr, r) + d(*cg, g) + d(*cb, b))
        .map_or(Color::Reset, |(c, _)| *c)
}

fn downgrade(c: Color, support: ColorSupport) -> Option<Color> {
    match (support, c) {
        (ColorSupport::None, _) => None,
        // ansi_colours picks the index nearest in perceived colour (CIE ΔE); the hand-written
        // version it replaces took the nearest in RGB distance. Of the 20 RGB colours in the
        // built-in themes 6 map differently, each closer in hue (#ebdbb2 → 223 instead of
        // 187, #fabd2f → 215 instead of 214, #3c3836 → 237 instead of 236); the snapshot tests
        // use the ANSI-only default theme and are unchanged.
        (ColorSupport::Ansi256, Color::Rgb(r, g, b)) => {
            Some(Color::Indexed(ansi_colours::ansi256_from_rgb((r, g, b))))
        }
        (ColorSupport::Ansi16, Color::Rgb(r, g, b)) => Some(nearest_16(r, g, b)),
        (ColorSupport::Ansi16, Color::Indexed(i)) => {
            let (r, g, b) = index_rgb(i);
            Some(nearest_16(r, g, b))
        }
        _ => Some(c),
    }
}

/// A theme chain merged: palette and style specs.
type Layers = (BTreeMap<String, String>, BTreeMap<String, StyleSpec>);

/// Layers the chain for `name`: returns (palette, styles) merged parent-first.
fn layered(name: &str, user_dir: Option<&Path>, depth: usize) -> Result<Layers, String> {
    if depth > 4 {
        return Err(format!("theme {name:?}: inherits chain deeper than 4"));
    }
    let text = find_file(name, user_dir)?;
    let file: ThemeFile = toml::from_str(&text).map_err(|e| format!("theme {name:?}: {e}"))?;
    let parent = match (&file.inherits, name) {
        (Some(p), _) => Some(p.clone()),
        // Every theme but default itself starts from default.
        (None, "default") => None,
        (None, _) => Some("default".to_string()),
    };
    let (mut palette, mut styles) = match parent {
        Some(p) if p != name => layered(&p, user_dir, depth + 1)?,
        Some(p) => return Err(format!("theme {p:?} inherits itself")),
        None => (BTreeMap::new(), BTreeMap::new()),
    };
    palette.extend(file.palette);
    for (k, v) in file.styles {
        if !STYLE_KEYS.contains(&k.as_str()) {
            return Err(format!("theme {name:?}: unknown style key {k:?}"));
        }
        styles.insert(k, v);
    }
    Ok((palette, styles))
}

fn resolve(name: &str, user_dir: Option<&Path>, support: ColorSupport) -> Result<Theme, String> {
    resolve_with(name, user_dir, support, &BTreeMap::new())
}

fn resolve_with(
    name: &str,
    user_dir: Option<&Path>,
    support: ColorSupport,
    overrides: &BTreeMap<String, StyleSpec>,
) -> Result<Theme, String> {
    let (palette, mut specs) = layered(name, user_dir, 0)?;
    // `TuiOptions::theme_overrides`: the last layer, field by field.
    for (k, o) in overrides {
        if !STYLE_KEYS.contains(&k.as_str()) {
            return Err(format!("theme_overrides: unknown style key {k:?}"));
        }
        let s = specs.entry(k.clone()).or_default();
        macro_rules! take {
            ($($f:ident),*) => { $( if o.$f.is_some() { s.$f = o.$f.clone(); } )* };
        }
        take!(fg, bg, bold, italic, underline, reversed, dim);
    }
    let mut styles = BTreeMap::new();
    for (k, spec) in specs {
        let mut st = Style::default();
        if let Some(fg) = &spec.fg {
            if let Some(c) = downgrade(parse_color(fg, &palette)?, support) {
                st = st.fg(c);
            }
        }
        if let Some(bg) = &spec.bg {
            if let Some(c) = downgrade(parse_color(bg, &palette)?, support) {
                st = st.bg(c);
            }
        }
        for (flag, m) in [
            (spec.bold, Modifier::BOLD),
            (spec.italic, Modifier::ITALIC),
            (spec.underline, Modifier::UNDERLINED),
            (spec.reversed, Modifier::REVERSED),
            (spec.dim, Modifier::DIM),
        ] {
            match flag {
                Some(true) => st = st.add_modifier(m),
                Some(false) => st = st.remove_modifier(m),
                None => {}
            }
        }
        styles.insert(k, st);
    }
    if support == ColorSupport::None {
        // Without colour, what colour marked must still show: reverse video.
        for k in ["selection", "search_match", "search_current", "gauge"] {
            let st = styles.entry(k.to_string()).or_default();
            *st = st.add_modifier(Modifier::REVERSED);
        }
        let st = styles.entry("search_current".to_string()).or_default();
        *st = st.add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
    }
    Ok(Theme {
        name: name.to_string(),
        styles,
    })
}

/// Loads theme `name` (user themes in `user_dir` first, then built-ins). On any error returns the
/// default theme and the message to show in the status bar.
#[cfg(test)]
pub(crate) fn load_theme(
    name: &str,
    user_dir: Option<&Path>,
    support: ColorSupport,
) -> (Theme, Option<String>) {
    load_theme_with(name, user_dir, support, &BTreeMap::new())
}

/// Loads theme `name` (user themes in `user_dir` first, then built-ins) with per-element
/// overrides applied last (`TuiOptions::theme_overrides`). On any error returns the default
/// theme and the message to show in the status bar.
pub fn load_theme_with(
    name: &str,
    user_dir: Option<&Path>,
    support: ColorSupport,
    overrides: &BTreeMap<String, StyleSpec>,
) -> (Theme, Option<String>) {
    match resolve_with(name, user_dir, support, overrides) {
        Ok(t) => (t, None),
        Err(e) => {
            let fallback = resolve("default", None, support).unwrap_or(Theme {
                name: "default".into(),
                styles: BTreeMap::new(),
            });
            (fallback, Some(format!("{e}; using the default theme")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_theme_parses_and_sets_every_key() {
        for (name, _) in BUILTIN {
            for support in [
                ColorSupport::TrueColor,
                ColorSupport::Ansi256,
                ColorSupport::Ansi16,
                ColorSupport::None,
            ] {
                let t = resolve(name, None, support).unwrap_or_else(|e| panic!("{name}: {e}"));
                for k in STYLE_KEYS {
                    assert!(t.styles.contains_key(k), "{name} lacks {k}");
                }
            }
        }
    }

    #[test]
    fn default_uses_only_ansi_colours() {
        let t = resolve("default", None, ColorSupport::TrueColor).unwrap();
        for st in t.styles.values() {
            for c in [st.fg, st.bg].into_iter().flatten() {
                assert!(
                    !matches!(c, Color::Rgb(..) | Color::Indexed(_)),
                    "default theme uses {c:?}"
                );
            }
        }
    }

    #[test]
    fn truecolor_is_downgraded_without_colorterm() {
        assert_eq!(ColorSupport::from_vars(None, None), ColorSupport::Ansi256);
        assert_eq!(
            ColorSupport::from_vars(None, Some("24bit")),
            ColorSupport::TrueColor
        );
        assert_eq!(
            ColorSupport::from_vars(Some("1"), Some("truecolor")),
            ColorSupport::None
        );
        let t = resolve("dark", None, ColorSupport::Ansi256).unwrap();
        assert!(t
            .styles
            .values()
            .all(|s| !matches!(s.fg, Some(Color::Rgb(..)))));
        let idx = |r, g, b| downgrade(Color::Rgb(r, g, b), ColorSupport::Ansi256);
        assert_eq!(idx(255, 0, 0), Some(Color::Indexed(196)));
        assert_eq!(idx(128, 128, 128), Some(Color::Indexed(244)));
        assert_eq!(idx(0xeb, 0xdb, 0xb2), Some(Color::Indexed(223)));
        assert_eq!(index_rgb(9), ANSI16[9].1);
        assert_eq!(index_rgb(196), (255, 0, 0));
    }

    #[test]
    fn no_color_keeps_reverse_and_bold() {
        let t = resolve("dark", None, ColorSupport::None).unwrap();
        let sel = t.style("selection");
        assert!(sel.fg.is_none() && sel.bg.is_none());
        assert!(sel.add_modifier.contains(Modifier::REVERSED));
        assert!(t.style("title").add_modifier.contains(Modifier::BOLD));
    }

    #[test]
    fn user_theme_inherits_and_errors_fall_back() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("mine.toml"),
            "inherits = \"dark\"\n[palette]\nx = \"#ff0000\"\n[styles]\ntitle = { fg = \"x\" }\n",
        )
        .unwrap();
        let (t, err) = load_theme("mine", Some(dir.path()), ColorSupport::TrueColor);
        assert!(err.is_none(), "{err:?}");
        assert_eq!(t.style("title").fg, Some(Color::Rgb(255, 0, 0)));
        // Inherited from dark.
        assert_eq!(
            t.style("selection"),
            resolve("dark", None, ColorSupport::TrueColor)
                .unwrap()
                .style("selection")
        );

        std::fs::write(
            dir.path().join("bad.toml"),
            "[styles]\ntitle = { fg = \"#12\" }\n",
        )
        .unwrap();
        let (t, err) = load_theme("bad", Some(dir.path()), ColorSupport::TrueColor);
        assert_eq!(t.name, "default");
        assert!(err.unwrap().contains("#12"));
        std::fs::write(dir.path().join("loop.toml"), "inherits = \"loop\"\n").unwrap();
        assert!(
            load_theme("loop", Some(dir.path()), ColorSupport::TrueColor)
                .1
                .is_some()
        );
        assert!(load_theme("nope", None, ColorSupport::TrueColor)
            .1
            .is_some());
        std::fs::write(
            dir.path().join("typo.toml"),
            "[styles]\ntitel = { bold = true }\n",
        )
        .unwrap();
        assert!(
            load_theme("typo", Some(dir.path()), ColorSupport::TrueColor)
                .1
                .unwrap()
                .contains("titel")
        );
    }

    #[test]
    fn sixteen_colours_and_overrides() {
        let t = resolve("dark", None, ColorSupport::Ansi16).unwrap();
        for st in t.styles.values() {
            for c in [st.fg, st.bg].into_iter().flatten() {
                assert!(!matches!(c, Color::Rgb(..) | Color::Indexed(_)), "{c:?}");
            }
        }
        assert_eq!(nearest_16(250, 10, 10), Color::LightRed);
        assert_eq!("16".parse(), Ok(ColorSupport::Ansi16));
        assert_eq!("24bit".parse(), Ok(ColorSupport::TrueColor));
        assert!("auto".parse::<ColorSupport>().is_err());
        let mut o = BTreeMap::new();
        o.insert(
            "search_match".to_string(),
            StyleSpec {
                fg: Some("black".into()),
                bg: Some("green".into()),
                ..Default::default()
            },
        );
        let (t, err) = load_theme_with("default", None, ColorSupport::TrueColor, &o);
        assert!(err.is_none());
        assert_eq!(t.style("search_match").bg, Some(Color::Green));
        o.insert("nonsense".into(), StyleSpec::default());
        let (_, err) = load_theme_with("default", None, ColorSupport::TrueColor, &o);
        assert!(err.unwrap().contains("nonsense"));
    }
}
