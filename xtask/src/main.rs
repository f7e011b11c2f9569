//! `cargo xtask`: figure reproduction and reports for the workspace.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("reproduce") => {
            eprintln!("error: `cargo xtask reproduce` is not implemented yet (tracked by the figure-reproduction issue)");
            ExitCode::FAILURE
        }
        Some(other) => {
            eprintln!("error: unknown subcommand `{other}`; available: reproduce");
            ExitCode::from(2)
        }
        None => {
            eprintln!("usage: cargo xtask <reproduce>");
            ExitCode::from(2)
        }
    }
}
