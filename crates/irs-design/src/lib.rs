//! Alternating-optimisation driver shared by the two sensing set-ups (Sections III-C and IV-C).
