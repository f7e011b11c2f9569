//! Clarabel panics (e.g. its PSD cone's `SVD error`) are solver outcomes: `contain_solver_panics` turns them into
//! `Err` without the panic hook printing, and leaves every other panic to the hook installed before it.
//!
//! One test in its own binary: panic hooks are process-wide, so no other test may panic concurrently.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[test]
fn contained_panics_are_silent_and_other_panics_still_reach_the_previous_hook() {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&calls);
    std::panic::set_hook(Box::new(move |_| {
        seen.fetch_add(1, Ordering::SeqCst);
    }));

    let inside = irs_sdp::contain_solver_panics(|| -> u32 { panic!("SVD error: SVD(1)") });
    let message = inside.expect_err("the closure panicked");
    assert_eq!(message.downcast_ref::<&str>(), Some(&"SVD error: SVD(1)"));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "a contained panic reached the hook"
    );

    assert_eq!(irs_sdp::contain_solver_panics(|| 7).ok(), Some(7));

    let outside = std::panic::catch_unwind(|| -> u32 { panic!("not Clarabel") });
    assert!(outside.is_err());
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "an ordinary panic must reach the previous hook"
    );

    // The guard is per thread: a contained panic on another thread is silent as well.
    let t = std::thread::spawn(|| {
        irs_sdp::contain_solver_panics(|| -> u32 { panic!("contained on its thread") })
    });
    assert!(t.join().expect("the thread itself did not panic").is_err());
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}
