//! The crate's single error type: every variant names the scenario field it concerns.

/// Errors of `irs-channel`. Field names are paths into the scenario file, e.g. `irs[1].position_m`.
#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    /// A count (antennas, elements, sensors, symbols) was zero.
    #[error("`{field}` must be at least 1, got 0")]
    ZeroCount {
        /// Path of the offending field.
        field: String,
    },
    /// A quantity that must be strictly positive was zero or negative.
    #[error("`{field}` must be > 0, got {value}")]
    NotPositive {
        /// Path of the offending field.
        field: String,
        /// The rejected value.
        value: f64,
    },
    /// A quantity that must be non-negative was negative.
    #[error("`{field}` must be >= 0, got {value}")]
    Negative {
        /// Path of the offending field.
        field: String,
        /// The rejected value.
        value: f64,
    },
    /// A number was NaN or infinite.
    #[error("`{field}` must be finite, got {value}")]
    NotFinite {
        /// Path of the offending field.
        field: String,
        /// The rejected value.
        value: f64,
    },
    /// An array or channel matrix too large to allocate (more than [`crate::MAX_CHANNEL_ENTRIES`] entries).
    #[error("`{field}`: {entries} entries exceed the limit of {limit}")]
    TooLarge {
        /// Path of the offending field.
        field: String,
        /// Entries requested (saturated at u128::MAX).
        entries: u128,
        /// The limit.
        limit: u128,
    },
    /// A number outside its documented range (see the `limits` constants of the crate root); the
    /// message prints numbers in exponent form so that 1e-300 stays short.
    #[error("`{field}` = {value:.3e} {unit} is outside the accepted range [{min:.3e}, {max:.3e}] {unit}{why}")]
    OutOfRange {
        /// Path of the offending field.
        field: String,
        /// The rejected value.
        value: f64,
        /// Smallest accepted value.
        min: f64,
        /// Largest accepted value.
        max: f64,
        /// Unit of the three numbers.
        unit: &'static str,
        /// Why the range is what it is (starts with "; " when not empty).
        why: &'static str,
    },
    /// A count above its cap (checked before anything is allocated).
    #[error("`{field}` = {value} exceeds the limit of {limit}{why}")]
    TooMany {
        /// Path of the offending field.
        field: String,
        /// The rejected count.
        value: u128,
        /// The largest accepted count.
        limit: u128,
        /// Why the cap is what it is (starts with "; ").
        why: &'static str,
    },
    /// Two IRS arrays (or an IRS and another node) closer than the arrays' physical size.
    #[error("`{field}` is {distance_m:.3e} m from `{other}`, closer than the {min_m:.3e} m the arrays need{why}")]
    TooClose {
        /// Path of the offending position.
        field: String,
        /// Path of the other position.
        other: String,
        /// Their distance in metres.
        distance_m: f64,
        /// The smallest accepted distance in metres.
        min_m: f64,
        /// Which rule gives the minimum.
        why: &'static str,
    },
    /// A scenario file or string with nothing in it (an empty file is not the default scenario).
    #[error("the {format} scenario is empty (write `{{}}` in JSON, or nothing but comments in TOML, for the default scenario)")]
    Empty {
        /// `"TOML"` or `"JSON"`.
        format: &'static str,
    },
    /// A table (struct) given as an array: serde would read it positionally, silently.
    #[error("`{field}` must be {table}, not an array (fields are named, never positional)")]
    PositionalTable {
        /// Path of the offending value (`<root>` for the whole scenario).
        field: String,
        /// `"a table"` (TOML) or `"an object"` (JSON).
        table: &'static str,
    },
    /// The scenario has no IRS.
    #[error("`irs` must list at least one IRS")]
    NoIrs,
    /// T_c is not a multiple of the number of IRSs L (time division, Section II: T_c = T_L L).
    #[error("`t_c` = {t_c} is not a multiple of the number of IRSs L = {l}")]
    TcNotMultipleOfL {
        /// T_c in symbols.
        t_c: usize,
        /// Number of IRSs.
        l: usize,
    },
    /// a_max below 1: an active IRS must be able to amplify (Section II).
    #[error("`a_max` must be >= 1 for an active IRS, got {value}")]
    AmaxBelowOne {
        /// The rejected value.
        value: f64,
    },
    /// Two positions coincide (closer than [`crate::MIN_SEPARATION_M`]).
    #[error("`{field}` coincides with `{other}` (distance {distance_m} m)")]
    Coincident {
        /// Path of the offending position.
        field: String,
        /// Path of the position it coincides with.
        other: String,
        /// Their distance in metres.
        distance_m: f64,
    },
    /// An orientation vector is zero, or the two array axes are not orthogonal.
    #[error("`{field}`: {reason}")]
    BadOrientation {
        /// Path of the offending field.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// The BS or the target lies behind an IRS (an IRS reflects into its front half-space only).
    #[error("`{field}` lies behind IRS {irs} (its component along the IRS normal is {normal_component_m} m)")]
    BehindIrs {
        /// Path of the position behind the IRS (`bs.position_m` or `target.position_m`).
        field: String,
        /// Index of the IRS.
        irs: usize,
        /// Signed distance along the IRS normal (≤ 0).
        normal_component_m: f64,
    },
    /// An array could not be built (wraps `irs-array`'s error).
    #[error("`{field}`: {source}")]
    Array {
        /// Path of the array in the scenario.
        field: String,
        /// The underlying error.
        source: irs_array::ArrayError,
    },
    /// A scenario file could not be parsed (syntax, types, unknown or missing fields).
    #[error("cannot parse {format} scenario: {message}")]
    Parse {
        /// `"TOML"` or `"JSON"`.
        format: &'static str,
        /// The parser's message (names the offending field for unknown fields).
        message: String,
    },
    /// A scenario could not be serialized.
    #[error("cannot write {format} scenario: {message}")]
    Serialize {
        /// `"TOML"` or `"JSON"`.
        format: &'static str,
        /// The serializer's message.
        message: String,
    },
    /// A scenario file could not be read.
    #[error("cannot read scenario file `{path}`: {source}")]
    Io {
        /// The path given.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file extension other than `.toml` or `.json`.
    #[error("scenario file `{path}` must end in .toml or .json")]
    UnknownExtension {
        /// The path given.
        path: String,
    },
}
