//! Scenarios, geometry and seeded channel realizations (not yet implemented).
