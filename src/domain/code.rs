//! Closed sets stored as text codes (statuses, kinds, roles). A row decodes its code into the
//! enum once, at the storage edge (`#[sqlx(try_from = "String")]`): a value outside the set is a
//! decoding error, never a panic, and no layer above compares strings.

/// A stored code outside its closed set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode {
    /// Which set (`"practice status"`, ...).
    pub set: &'static str,
    pub value: String,
}

impl std::fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown {} {:?}", self.set, self.value)
    }
}

impl std::error::Error for UnknownCode {}

/// Defines an enum of a closed set with its stored codes: `as_str` (what is bound and
/// serialised), `parse`, `ALL`, `TryFrom<String>` (what rows decode with), `Display` and
/// `Serialize` as the code (the JSON the API answers keeps the stored string).
macro_rules! closed_set {
    ($(#[$meta:meta])* $vis:vis enum $name:ident ($set:literal) { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::domain::code::UnknownCode;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                $name::parse(&s).ok_or($crate::domain::code::UnknownCode { set: $set, value: s })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

pub(crate) use closed_set;

#[cfg(test)]
mod tests {
    closed_set! {
        enum Colour ("colour") { Red = "red", Blue = "blue" }
    }

    #[test]
    fn codes_round_trip_and_strangers_are_errors() {
        for c in Colour::ALL {
            assert_eq!(Colour::try_from(c.as_str().to_string()), Ok(*c));
        }
        let err = Colour::try_from("green".to_string()).expect_err("not a colour");
        assert_eq!(err.to_string(), "unknown colour \"green\"");
        assert_eq!(serde_json::to_string(&Colour::Blue).expect("test"), "\"blue\"");
    }
}
