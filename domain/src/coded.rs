//! Closed lists of codes (record kinds, formats, statuses, error codes…): one table per list gives
//! the wire code, the Vietnamese label and the English label, so a form, the JSON and the
//! validation can never disagree.

use crate::Lang;

/// A closed list of values with a stable wire code and a label in each language.
pub trait Coded: Copy + Sized + 'static {
    /// Every value, in the order a form lists them.
    const ALL: &'static [Self];

    /// The code used in JSON, e.g. `"group_talk"`.
    fn as_str(self) -> &'static str;

    /// A short label for a phone form.
    fn label(self, lang: Lang) -> &'static str;

    /// The value with this exact code.
    fn parse(code: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|value| value.as_str() == code)
    }
}

/// Declares an enum implementing [`Coded`] and serde with its codes:
/// `Variant = "code", "Nhãn tiếng Việt", "English label";`
macro_rules! coded {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($variant:ident = $code:literal, $vi:literal, $en:literal;)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        pub enum $name {
            $(#[doc = $en] #[serde(rename = $code)] $variant,)+
        }

        impl $crate::coded::Coded for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];

            fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)+
                }
            }

            fn label(self, lang: $crate::Lang) -> &'static str {
                match lang {
                    $crate::Lang::Vi => match self {
                        $(Self::$variant => $vi,)+
                    },
                    $crate::Lang::En => match self {
                        $(Self::$variant => $en,)+
                    },
                }
            }
        }

        // So that a store can read the code it keeps as text straight into the value.
        impl TryFrom<String> for $name {
            type Error = $crate::coded::UnknownCode;
            fn try_from(code: String) -> Result<Self, $crate::coded::UnknownCode> {
                <Self as $crate::coded::Coded>::parse(&code).ok_or($crate::coded::UnknownCode(code))
            }
        }
    };
}

pub(crate) use coded;

/// A code that is none of its list's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownCode(pub String);

impl std::fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown code {:?}", self.0)
    }
}

impl std::error::Error for UnknownCode {}

/// Checks one coded list: codes unique and equal to serde's, labels present in both languages.
#[cfg(test)]
pub(crate) fn assert_coded_list<T>()
where
    T: Coded + PartialEq + std::fmt::Debug + serde::Serialize + serde::de::DeserializeOwned,
{
    assert!(!T::ALL.is_empty());
    for (i, value) in T::ALL.iter().enumerate() {
        let code = value.as_str();
        assert_eq!(T::parse(code), Some(*value), "{code}");
        assert_eq!(serde_json::to_value(value).unwrap(), code);
        assert_eq!(serde_json::from_value::<T>(code.into()).unwrap(), *value);
        assert!(
            T::ALL[i + 1..].iter().all(|other| other.as_str() != code),
            "duplicate code {code}"
        );
        for lang in [Lang::Vi, Lang::En] {
            let label = value.label(lang);
            assert!(!label.trim().is_empty(), "{code} has no {lang:?} label");
        }
    }
    assert_eq!(T::parse("no_such_code"), None);
    assert!(serde_json::from_value::<T>("no_such_code".into()).is_err());
}

/// The codes of a list, in order.
#[cfg(test)]
pub(crate) fn codes<T: Coded>() -> Vec<&'static str> {
    T::ALL.iter().map(|value| value.as_str()).collect()
}
