//! Typed convex modelling over Clarabel (not yet implemented).
