//! The report as an Excel workbook: one sheet per table, each under the title lines, with a bold
//! header, column widths set, and the header frozen. Counts and values are numbers (percentages
//! as `69.2`, shown with one decimal); only hidden cells (`<5`, `x`) are text. Printed landscape,
//! one page wide.

use super::{Document, Field};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

/// Paper size 9 is A4 in Excel's numbering.
const A4: u8 = 9;

pub fn write(document: &Document) -> Result<Vec<u8>, XlsxError> {
    let heading = Format::new().set_bold().set_font_size(13);
    let bold = Format::new().set_bold();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let percent = Format::new().set_num_format("0.0");
    let hidden = Format::new().set_align(FormatAlign::Right);
    let mut workbook = Workbook::new();
    for table in &document.tables {
        let sheet = workbook.add_worksheet();
        sheet.set_name(&table.name)?;
        sheet
            .set_landscape()
            .set_paper_size(A4)
            .set_print_fit_to_pages(1, 0);
        for (row, line) in (0u32..).zip(&document.title) {
            match row {
                0 => sheet.write_string_with_format(row, 0, line, &bold)?,
                1 => sheet.write_string_with_format(row, 0, line, &heading)?,
                _ => sheet.write_string(row, 0, line)?,
            };
        }
        let header_row = document.title.len() as u32 + 1;
        for (col, (name, width)) in (0u16..).zip(table.header.iter().zip(&table.widths)) {
            sheet.set_column_width(col, *width)?;
            sheet.write_string_with_format(header_row, col, name, &header)?;
        }
        sheet.set_row_height(header_row, 32)?;
        sheet.set_freeze_panes(header_row + 1, 0)?;
        for (row, fields) in (header_row + 1..).zip(&table.rows) {
            for (col, field) in (0u16..).zip(fields) {
                match field {
                    Field::Text(text) => sheet.write_string(row, col, text)?,
                    Field::Hidden(text) => {
                        sheet.write_string_with_format(row, col, text, &hidden)?
                    }
                    Field::Int(n) => sheet.write_number(row, col, *n as f64)?,
                    Field::Percent(value) => {
                        sheet.write_number_with_format(row, col, *value, &percent)?
                    }
                    Field::Empty => sheet,
                };
            }
        }
    }
    workbook.save_to_buffer()
}
