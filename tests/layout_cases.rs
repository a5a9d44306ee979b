//! Hand-checked layout cases through the public API: what a reader would notice.

mod common;

use qari::layout::{layout_paragraph, ArticleLayout, BidiMode, Direction, LayoutOptions};

fn opts(width: u16) -> LayoutOptions {
    LayoutOptions {
        width,
        mode: BidiMode::App,
        shape: false,
    }
}

fn visual(text: &str, width: u16) -> Vec<String> {
    layout_paragraph(text, 0, 0, Direction::Ltr, &opts(width))
        .into_iter()
        .map(|l| l.text)
        .collect()
}

#[test]
fn sentence_with_number_and_brackets() {
    assert_eq!(
        visual("ولد عام 2020 في مدينة (القاهرة).", 80),
        [".(ةرهاقلا) ةنيدم يف 2020 ماع دلو"]
    );
}

#[test]
fn rtl_paragraph_starts_top_right() {
    let text = "ولد عام 2020 في مدينة (القاهرة). وعمل في الصحافة منذ شبابه.";
    let lines = layout_paragraph(text, 0, 0, Direction::Ltr, &opts(20));
    assert!(lines.len() >= 3, "{lines:#?}");
    let top = &lines[0];
    assert!(top.rtl);
    // Right-aligned: the last cell ends at the right edge…
    let last = top.cells.last().unwrap();
    assert_eq!(last.col + u16::from(last.width), 20);
    assert_eq!(top.indent + top.width, 20);
    // …and it is the first letter of the paragraph.
    assert_eq!(last.logical, 0..'و'.len_utf8());
    assert_eq!(top.text, "يف 2020 ماع دلو");
    // The last words are on the bottom line.
    assert!(lines.last().unwrap().text.contains(".هبابش"));
}

#[test]
fn latin_name_inside_arabic_keeps_its_letter_order() {
    let v = visual("قال John Smith لوكالة Reuters أمس.", 80);
    assert_eq!(v, [".سمأ Reuters ةلاكول John Smith لاق"]);
}

#[test]
fn date_keeps_its_numbers() {
    let v = visual("9 تشرين الثاني/نوفمبر 2020", 80);
    assert_eq!(v, ["2020 ربمفون/يناثلا نيرشت 9"]);
    let v = visual("في 9 تشرين الثاني/نوفمبر 2020 وقعت", 80);
    assert_eq!(v, ["تعقو 2020 ربمفون/يناثلا نيرشت 9 يف"]);
}

#[test]
fn lam_alef_takes_two_columns() {
    let l = &layout_paragraph("لا", 0, 0, Direction::Ltr, &opts(10))[0];
    assert_eq!(l.width, 2);
    assert_eq!(l.cells.len(), 2);
    assert_eq!(l.indent, 8);
}

#[test]
fn harakat_stay_on_their_letter_and_take_no_column() {
    let l = &layout_paragraph("كَتَبَ", 0, 0, Direction::Ltr, &opts(10))[0];
    let cells: Vec<&str> = l.cells.iter().map(|c| l.cell_text(c)).collect();
    assert_eq!(cells, ["بَ", "تَ", "كَ"]);
    assert_eq!(l.width, 3);
}

#[test]
fn lone_leading_haraka_gets_a_dotted_circle() {
    let l = &layout_paragraph("\u{64E}abc", 0, 0, Direction::Ltr, &opts(10))[0];
    assert_eq!(l.text, "\u{25CC}\u{64E}abc");
    assert_eq!(l.cells[0].logical, 0..2);
    assert_eq!(l.width, 4);
}

#[test]
fn brackets_mirror_only_at_odd_levels() {
    assert_eq!(visual("(أ) [ب] {ج} «د»", 80), ["«د» {ج} [ب] (أ)"]);
    assert_eq!(visual("(a) [b]", 80), ["(a) [b]"]);
}

#[test]
fn control_characters_are_shown_not_sent() {
    let text = "a\x1b[2Jb\x07c\u{9b}d\u{7f}";
    let l = &layout_paragraph(text, 0, 0, Direction::Ltr, &opts(40))[0];
    assert_eq!(l.text, "a␛[2Jb␇c\u{FFFD}d␡");
    assert!(!l.text.chars().any(|c| c.is_control()));
    // The placeholder points at the ESC byte.
    assert_eq!(l.cells[1].logical, 1..2);
}

#[test]
fn bidi_controls_are_honoured_and_not_emitted() {
    // RLO forces "abc" right to left; the control itself is not a cell.
    let l = &layout_paragraph("\u{202E}abc\u{202C} def", 0, 0, Direction::Ltr, &opts(40))[0];
    assert_eq!(l.text, "cba def");
    let bidi_controls = [
        '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
        '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{61C}',
    ];
    let text = "\u{2067}abc\u{2069} \u{200F}x\u{200E} \u{61C}1";
    let l = &layout_paragraph(text, 0, 0, Direction::Ltr, &opts(40))[0];
    assert!(
        !l.text.chars().any(|c| bidi_controls.contains(&c)),
        "{:?}",
        l.text
    );
}

#[test]
fn an_unterminated_override_does_not_leak_into_the_next_paragraph() {
    let layout = ArticleLayout::from_text("\u{202E}abc\n\ndef ghi\n");
    let rows = layout.all_rows(&opts(40));
    let texts: Vec<&str> = rows.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(texts, ["cba", "", "def ghi"]);
}

#[test]
fn tabs_and_whitespace_runs_collapse() {
    assert_eq!(visual("a\t\tb   c\n d", 40), ["a b c d"]);
}

#[test]
fn neutral_paragraph_follows_the_article_direction() {
    let layout = ArticleLayout::from_text("عنوان المقال\n\n2020 - 123\n\nفقرة أولى\n");
    let rows = layout.all_rows(&opts(20));
    let neutral = &rows[2];
    assert!(neutral.rtl);
    assert_eq!(neutral.text, "123 - 2020");
    assert_eq!(neutral.indent + neutral.width, 20);
    // In an English article the same paragraph is LTR.
    let layout = ArticleLayout::from_text("Title\n\n2020 - 123\n");
    assert!(!layout.all_rows(&opts(20))[2].rtl);
}

#[test]
fn search_hit_maps_to_the_right_columns() {
    let text = "قال مراسل Reuters إن الاجتماع انتهى";
    let l = &layout_paragraph(text, 100, 1, Direction::Ltr, &opts(60))[0];
    let start = 100 + text.find("Reuters").unwrap();
    let cols = l.columns(start..start + "Reuters".len());
    assert_eq!(cols.len(), 1);
    let c = cols[0].clone();
    let painted: String = l
        .cells
        .iter()
        .filter(|cell| cell.col >= c.start && cell.col < c.end)
        .map(|cell| l.cell_text(cell))
        .collect();
    assert_eq!(painted, "Reuters");
    // An Arabic word: its cells are contiguous on screen, read right to left.
    let w = 100 + text.find("مراسل").unwrap();
    let cols = l.columns(w..w + "مراسل".len());
    assert_eq!(cols.len(), 1);
    assert_eq!(cols[0].end - cols[0].start, 5);
    // A range across a direction change splits into several spans.
    let cols = l.columns(w..start + 3);
    assert_eq!(cols.len(), 2, "{cols:?}");
    // cell_at finds the cell back from a column.
    let cell = l.cell_at(cols[0].start).unwrap();
    assert!(cell.logical.start >= w);
}

#[test]
fn offsets_point_into_article_text() {
    for path in common::seeds() {
        let a = common::article(&path);
        let text = a.text();
        let layout = ArticleLayout::from_article(&a);
        let o = LayoutOptions {
            width: 40,
            mode: BidiMode::Off,
            shape: false,
        };
        for row in layout.all_rows(&o) {
            for cell in &row.cells {
                assert_eq!(&text[cell.logical.clone()], row.cell_text(cell), "{path:?}");
            }
            assert!(text.get(row.logical.clone()).is_some());
        }
    }
}

#[test]
fn lazy_rows_match_the_full_layout() {
    let a = common::article(&common::seeds()[0]);
    let layout = ArticleLayout::from_article(&a);
    let o = opts(50);
    let all = layout.all_rows(&o);
    assert_eq!(layout.row_count(&o), all.len());
    assert_eq!(layout.rows(&o, 5..12), all[5..12].to_vec());
    assert_eq!(layout.rows(&o, all.len() - 2..all.len() + 10).len(), 2);
    // A different width re-wraps; coming back gives the same lines.
    let narrow = layout.all_rows(&opts(30));
    assert!(narrow.len() > all.len());
    assert_eq!(layout.all_rows(&o), all);
    // Every byte of every drawn line leads back to its row.
    let text = a.text();
    let hit = text.find("باشينيان رئيس").unwrap();
    let row = layout.row_of_offset(&o, hit).unwrap();
    assert!(!all[row].columns(hit..hit + 2).is_empty());
}

#[test]
fn shaping_joins_letters_one_cell_each() {
    let o = LayoutOptions {
        width: 40,
        mode: BidiMode::App,
        shape: true,
    };
    let l = &layout_paragraph("السلام", 0, 0, Direction::Ltr, &o)[0];
    // Visual order of: alef isolated, lam initial, seen medial, lam-alef final ligature (one
    // cell for the two letters, as FriBidi draws it), meem isolated: five cells.
    assert_eq!(l.cells.len(), 5);
    assert_eq!(l.width, 5);
    assert_eq!(l.text, "\u{FEE1}\u{FEFC}\u{FEB4}\u{FEDF}\u{FE8D}");
    // The ligature's cell stands for both letters' bytes, so a selection or a hit on either
    // paints it; the line is right-aligned by its drawn width.
    let lam = "السلا".len() - "لا".len();
    assert_eq!(l.cells[1].logical, lam.."السلا".len());
    let spans = l.columns(lam..lam + 2);
    assert_eq!(spans.len(), 1);
    assert_eq!(spans[0], l.indent + 1..l.indent + 2);
    assert_eq!(l.indent + l.width, 40);
}

#[test]
fn paragraphs_that_draw_nothing_are_skipped_with_their_blank_row() {
    let layout = ArticleLayout::from_paragraphs(vec![
        (0, "عنوان".to_string()),
        (12, "\u{200F}  ".to_string()),
        (20, "نص".to_string()),
    ]);
    let o = opts(20);
    let all = layout.all_rows(&o);
    let texts: Vec<&str> = all.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(texts, ["ناونع", "", "صن"]);
    // The blank row stands for the bytes between the two drawn paragraphs.
    assert_eq!(all[1].logical, "عنوان".len()..20);
    assert_eq!(layout.rows(&o, 0..3), all);
    assert_eq!(layout.row_count(&o), 3);
}

#[test]
fn anchors_walk_the_same_rows_without_laying_out_everything() {
    use qari::layout::RowAnchor;
    let mut text = common::article(&common::seeds()[1]).text();
    // A paragraph that draws nothing, in the middle.
    text.push_str("\n\n\u{200F}\n\nآخر فقرة.");
    let layout = ArticleLayout::from_text(&text);
    for width in [20u16, 47, 80] {
        let o = opts(width);
        let all = layout.all_rows(&o);
        // Walking screens of 7 rows from the start gives every row once, in order.
        let mut a = layout.start(&o).unwrap();
        let mut walked = Vec::new();
        loop {
            let screen = layout.rows_from(&o, a, 7);
            let full = screen.len() == 7;
            walked.extend(screen);
            if !full || walked.len() == all.len() {
                break;
            }
            a = layout.advance(&o, a, 7);
        }
        assert_eq!(walked.len(), all.len(), "width {width}");
        assert_eq!(walked, all, "width {width}");
        // Advancing past the end stops at the last row; back past the start at the first.
        let start = layout.start(&o).unwrap();
        let end = layout.advance(&o, start, 1_000_000);
        assert_eq!(layout.rows_from(&o, end, 5), all[all.len() - 1..].to_vec());
        assert_eq!(layout.advance(&o, end, -1_000_000), start);
        // Forward then back is the identity.
        let mid = layout.advance(&o, start, 13);
        assert_eq!(layout.rows_from(&o, mid, 1)[0], all[13]);
        assert_eq!(layout.advance(&o, mid, -13), start);
        assert_eq!(
            layout.advance(&o, layout.advance(&o, mid, 9), -4),
            layout.advance(&o, mid, 5)
        );
        // Jumping to a byte lands on the row that shows it.
        let hit = text.find("موسكو").unwrap();
        let a = layout.anchor_of_offset(&o, hit).unwrap();
        let row = &layout.rows_from(&o, a, 1)[0];
        assert!(!row.columns(hit..hit + 2).is_empty());
        assert_eq!(Some(row), all.get(layout.row_of_offset(&o, hit).unwrap()));
        assert_eq!(layout.anchor_of_offset(&o, text.len() + 5), None);
        let _ = RowAnchor::default();
    }
}

#[test]
fn a_paragraph_of_megabytes_is_laid_out_in_pieces_the_same_way_everywhere() {
    // One 300 KiB Arabic paragraph whose words include Latin names (issue 11: a 16 MiB one-line
    // article must not be resolved whole).
    let unit = "قال الوزير Lavrov في موسكو إن 2021 كان عاما صعبا ";
    let body = unit.repeat(300 * 1024 / unit.len());
    let layout = ArticleLayout::from_paragraphs(vec![(0, "عنوان".into()), (12, body.clone())]);
    let o = opts(70);
    let all = layout.all_rows(&o);
    // The title, one blank row, then the paragraph's lines with no blank row among them.
    assert!(all[1].text.is_empty());
    assert!(all[2..]
        .iter()
        .all(|r| !r.text.is_empty() && r.para == 1 && r.rtl));
    // The streaming walk, the lazy rows and the anchor walk agree with the full layout.
    let mut streamed = Vec::new();
    layout
        .for_each_row(&o, |r| {
            streamed.push(r);
            Ok::<_, ()>(())
        })
        .unwrap();
    assert_eq!(streamed, all);
    assert_eq!(layout.row_count(&o), all.len());
    let mid = all.len() / 2;
    assert_eq!(layout.rows(&o, mid..mid + 30), all[mid..mid + 30].to_vec());
    let top = layout.anchor_of_row(&o, mid).unwrap();
    assert_eq!(layout.rows_from(&o, top, 30), all[mid..mid + 30].to_vec());
    let back = layout.advance(&o, top, -(mid as isize));
    assert_eq!(layout.row_of_anchor(&o, back), 0);
    // Every source byte of the paragraph is on exactly one line, in order.
    let mut next = 12;
    for r in &all[2..] {
        assert_eq!(r.logical.start, next);
        next = r.logical.end;
    }
    assert_eq!(next, 12 + body.len());
    // The reader's paragraph path gives the same lines.
    let lines = layout_paragraph(&body, 12, 1, Direction::Rtl, &o);
    assert_eq!(lines, all[2..].to_vec());
}

#[test]
fn lines_inside_a_paragraph_have_no_blank_row_and_their_own_direction() {
    // A Markdown list: one paragraph, one line per item (an English item among Arabic ones).
    let text = "عنوان\n\n• أول\n• second item\n\u{A0}\u{A0}◦ فرعي\n\nبعد".to_string();
    let layout = ArticleLayout::from_article_text(text);
    let rows: Vec<(Option<usize>, String, bool)> = layout
        .all_rows(&opts(30))
        .into_iter()
        .map(|l| ((!l.is_blank()).then_some(l.para), l.padded(), l.rtl))
        .collect();
    let lines: Vec<&str> = rows.iter().map(|r| r.1.trim_end()).collect();
    assert_eq!(rows.len(), 7, "{lines:?}");
    // Title, blank, three item lines of paragraph 1 with no blank between them, blank, paragraph 2.
    let paras: Vec<Option<usize>> = rows.iter().map(|r| r.0).collect();
    assert_eq!(
        paras,
        [Some(0), None, Some(1), Some(1), Some(1), None, Some(2)]
    );
    assert!(rows[2].2 && !rows[3].2 && rows[4].2, "{rows:?}");
    assert!(lines[2].ends_with("لوأ •"), "{lines:?}");
    assert_eq!(lines[3], "• second item");
    // The nested item is indented by its no-break spaces, on the right.
    assert!(rows[4].1.ends_with("◦\u{A0}\u{A0}"), "{rows:?}");
}
