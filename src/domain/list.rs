//! Lists stored comma-joined in one TEXT column (tags, domains, roles, structure ids). A row
//! reads its list once, at the storage edge (`#[sqlx(try_from = "String")]`); no layer above
//! storage splits strings. Serialised as the stored string, so the API's JSON is unchanged.

use std::{fmt, ops::Deref, str::FromStr};

/// Items of `T` (none empty, none holding a comma), in their stored order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct List<T>(Vec<T>);

/// A stored item that does not read as its type (a structure id that is not a number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadItem(pub String);

impl fmt::Display for BadItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unreadable list item {:?}", self.0)
    }
}

impl std::error::Error for BadItem {}

impl<T: FromStr> List<T> {
    /// The comma-joined form, empty items skipped.
    pub fn parse(s: &str) -> Result<List<T>, BadItem> {
        let items = s.split(',').filter(|x| !x.is_empty());
        items.map(|x| x.parse().map_err(|_| BadItem(x.to_string()))).collect::<Result<_, _>>().map(List)
    }
}

impl<T> List<T> {
    pub fn into_vec(self) -> Vec<T> {
        self.0
    }
}

impl<T: fmt::Display> List<T> {
    /// The stored form: items joined by commas.
    pub fn joined(&self) -> String {
        self.to_string()
    }
}

impl<T> Deref for List<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T> From<Vec<T>> for List<T> {
    fn from(v: Vec<T>) -> Self {
        List(v)
    }
}

impl<T: FromStr> TryFrom<String> for List<T> {
    type Error = BadItem;
    fn try_from(s: String) -> Result<Self, BadItem> {
        List::parse(&s)
    }
}

impl<T: fmt::Display> fmt::Display for List<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, x) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{x}")?;
        }
        Ok(())
    }
}

impl<T: fmt::Display> serde::Serialize for List<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_once_written_back_the_same() {
        let tags: List<String> = List::parse("epicerie,,circuitcourt").expect("test");
        assert_eq!(&tags[..], ["epicerie".to_string(), "circuitcourt".to_string()]);
        assert_eq!(tags.joined(), "epicerie,circuitcourt");
        assert_eq!(serde_json::to_string(&tags).expect("test"), r#""epicerie,circuitcourt""#);
        let ids: List<i64> = List::try_from("3,12".to_string()).expect("test");
        assert_eq!(&ids[..], [3, 12]);
        assert!(List::<i64>::parse("3,x").is_err());
        assert!(List::<String>::parse("").expect("test").is_empty());
    }
}
