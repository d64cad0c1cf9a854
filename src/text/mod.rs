//! Text for people, below every layer: Markdown rendering and the one HTML sanitiser
//! (`html`), message catalogues and plural rules (`i18n`, Fluent), numbers, money and
//! percentages the French or English way (`numbers`, ICU4X). Processing and federation use it
//! as the web does; it uses nothing above it.

pub mod html;
pub mod i18n;
pub mod numbers;
pub mod time;
