//! Fisher information and CRB for both sensing set-ups (not yet implemented).
