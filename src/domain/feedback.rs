//! Participants' feedback on a shared action once it has ended (issue 12, point 8: "participants
//! may answer a short feedback form"): a rating from 1 to 5 and a short text. Pure rules:
//! [`parse`] gives a valid answer or field errors; [`Summary`] is what the evaluation shows.

use serde::Deserialize;

use super::signatory::FieldErrors;

pub const MAX_COMMENT: usize = 1000;

/// The form as sent (the management link's token travels with it).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct FeedbackInput {
    pub token: String,
    pub rating: String,
    pub comment: String,
}

/// A valid answer: (rating 1–5, text).
pub fn parse(i: &FeedbackInput) -> Result<(i64, String), FieldErrors> {
    let mut e = vec![];
    let rating = match i.rating.trim().parse::<i64>() {
        Ok(r) if (1..=5).contains(&r) => r,
        _ if i.rating.trim().is_empty() => {
            e.push(("rating", "field-required"));
            0
        }
        _ => {
            e.push(("rating", "field-invalid"));
            0
        }
    };
    let comment = i.comment.trim();
    if comment.chars().count() > MAX_COMMENT {
        e.push(("comment", "field-too-long"));
    }
    if comment.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        e.push(("comment", "field-invalid"));
    }
    if e.is_empty() { Ok((rating, comment.to_string())) } else { Err(e) }
}

/// The ratings given, as the evaluation shows them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Summary {
    pub answers: i64,
    /// How many gave 1, 2, … 5.
    pub by_rating: [i64; 5],
}

impl Summary {
    /// From `(rating, count)` rows; ratings outside 1–5 (none can be stored) are left out.
    pub fn of(rows: &[(i64, i64)]) -> Summary {
        let mut s = Summary::default();
        for &(rating, count) in rows {
            if let Some(slot) = usize::try_from(rating - 1).ok().and_then(|i| s.by_rating.get_mut(i)) {
                *slot += count;
                s.answers += count;
            }
        }
        s
    }

    /// The mean rating, one decimal; `None` without answers.
    pub fn average(&self) -> Option<f64> {
        if self.answers == 0 {
            return None;
        }
        let total: i64 = self.by_rating.iter().zip(1..).map(|(n, r)| n * r).sum();
        Some((total as f64 / self.answers as f64 * 10.0).round() / 10.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(rating: &str, comment: &str) -> FeedbackInput {
        FeedbackInput { token: "t".into(), rating: rating.into(), comment: comment.into() }
    }

    #[test]
    fn ratings_from_one_to_five_and_a_short_text() {
        assert_eq!(parse(&input(" 4 ", " Très bien.\n ")).expect("valid"), (4, "Très bien.".to_string()));
        assert_eq!(parse(&input("1", "")).expect("valid").0, 1);
        assert_eq!(parse(&input("", "x")).expect_err("missing"), vec![("rating", "field-required")]);
        for bad in ["0", "6", "-1", "3.5", "quatre"] {
            assert_eq!(parse(&input(bad, "")).expect_err(bad), vec![("rating", "field-invalid")], "{bad}");
        }
        let long = "é".repeat(MAX_COMMENT + 1);
        assert_eq!(parse(&input("5", &long)).expect_err("long"), vec![("comment", "field-too-long")]);
        assert_eq!(parse(&input("5", "a\u{7}b")).expect_err("control"), vec![("comment", "field-invalid")]);
    }

    #[test]
    fn the_summary_counts_and_averages() {
        let s = Summary::of(&[(5, 2), (3, 1), (9, 4)]);
        assert_eq!(s.answers, 3);
        assert_eq!(s.by_rating, [0, 0, 1, 0, 2]);
        assert_eq!(s.average(), Some(4.3));
        assert_eq!(Summary::of(&[]).average(), None);
    }
}
