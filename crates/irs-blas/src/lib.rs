//! Pure-Rust BLAS/LAPACK routines, on faer, for Clarabel's PSD cones (work in progress: see issue "Workspace, CI, and Clarabel's SDP cones").
