//! CSV exports (public directory, practices, the administrators' contact export), written by
//! the `csv` crate (RFC 4180 quoting, CRLF line ends).
//!
//! Every cell is neutralised against formula injection: a spreadsheet opening the file runs a
//! cell starting with `=`, `+`, `-` or `@` as a formula (and tab or carriage return let one
//! hide behind whitespace), so such a cell gets a leading `'`, which spreadsheets show as text.
//! Plain numbers (`-2.08`, `+33`) stay numbers. OWASP:
//! <https://owasp.org/www-community/attacks/CSV_Injection>

use std::borrow::Cow;

use axum::{
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};

use crate::error::{AppError, AppResult};

/// `cell` as a spreadsheet may show it without running it.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_number(cell) { Cow::Owned(format!("'{cell}")) } else { Cow::Borrowed(cell) }
}

/// `-12`, `+3.5`, `-2,08`: a sign, digits, at most one decimal separator.
fn is_plain_number(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let mut parts = digits.splitn(2, ['.', ',']);
    let whole = parts.next().unwrap_or_default();
    let frac = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// A CSV document being written: a header, then rows.
pub struct Csv(csv::Writer<Vec<u8>>);

impl Csv {
    pub fn new(header: &[&str]) -> AppResult<Csv> {
        let mut csv = Csv(csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new()));
        csv.row(header)?;
        Ok(csv)
    }

    pub fn row(&mut self, cells: &[&str]) -> AppResult<()> {
        self.0.write_record(cells.iter().map(|c| neutralise(c).into_owned())).map_err(AppError::internal)
    }

    pub fn into_bytes(self) -> AppResult<Vec<u8>> {
        self.0.into_inner().map_err(|e| AppError::internal(e.into_error()))
    }

    /// The document as a `text/csv` response.
    pub fn into_response(self) -> AppResult<Response> {
        let mut res = self.into_bytes()?.into_response();
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
        Ok(res)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        for (cell, shown) in [
            ("=HYPERLINK(\"https://evil.example\")", "'=HYPERLINK(\"https://evil.example\")"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(1+1)", "'@SUM(1+1)"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            ("+33 2 99 71 00 42", "'+33 2 99 71 00 42"),
            ("-2.08", "-2.08"),
            ("+33", "+33"),
            ("72,5", "72,5"),
            ("Redon", "Redon"),
            ("", ""),
        ] {
            assert_eq!(neutralise(cell), shown, "{cell:?}");
        }
    }

    #[test]
    fn documents_are_rfc_4180() {
        let mut csv = Csv::new(&["a", "b"]).expect("test");
        csv.row(&["x, \"y\"", "=1+1"]).expect("test");
        csv.row(&["multi\nline", ""]).expect("test");
        let text = String::from_utf8(csv.into_bytes().expect("test")).expect("test");
        assert_eq!(text, "a,b\r\n\"x, \"\"y\"\"\",'=1+1\r\n\"multi\nline\",\r\n");
    }
}
