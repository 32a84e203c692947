//! The report as CSV for Excel and for other programs: UTF-8 with a byte-order mark (without it
//! Excel reads Vietnamese as Windows-1252), RFC 4180 (CRLF line ends, fields quoted when they hold
//! a comma, quote or line break, quotes doubled). Sections (title, then each table with its name on
//! the first line) are separated by one blank line. Numbers are plain: `69.2`, `12`; a hidden cell
//! is its text, `<5` or `x`.

use super::{Document, Field};

const BOM: &str = "\u{feff}";

pub fn write(document: &Document) -> Vec<u8> {
    let mut out = String::from(BOM);
    for line in &document.title {
        record(&mut out, [line.as_str()]);
    }
    for table in &document.tables {
        out.push_str("\r\n");
        record(&mut out, [table.name.as_str()]);
        record(&mut out, table.header.iter().map(String::as_str));
        for row in &table.rows {
            let texts: Vec<String> = row.iter().map(text).collect();
            record(&mut out, texts.iter().map(String::as_str));
        }
    }
    out.into_bytes()
}

fn text(field: &Field) -> String {
    match field {
        Field::Text(text) | Field::Hidden(text) => text.clone(),
        Field::Int(n) => n.to_string(),
        Field::Percent(value) => format!("{value:.1}"),
        Field::Empty => String::new(),
    }
}

fn record<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Table;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        let document = Document {
            title: vec!["Quý 2, năm 2023".into()],
            tables: vec![Table {
                name: "Chỉ tiêu".into(),
                header: vec!["Mã".into(), "Ghi chú".into()],
                widths: vec![],
                rows: vec![vec![
                    Field::Text("say \"hi\"".into()),
                    Field::Percent(70.0),
                    Field::Int(3),
                    Field::Empty,
                    Field::Hidden("<5".into()),
                ]],
            }],
        };
        let text = String::from_utf8(write(&document)).unwrap();
        assert_eq!(
            text,
            "\u{feff}\"Quý 2, năm 2023\"\r\n\r\nChỉ tiêu\r\nMã,Ghi chú\r\n\"say \"\"hi\"\"\",70.0,3,,<5\r\n"
        );
    }
}
