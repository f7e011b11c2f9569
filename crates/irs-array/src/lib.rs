//! Steering vectors of the IRS, sensor and BS arrays (not yet implemented).
