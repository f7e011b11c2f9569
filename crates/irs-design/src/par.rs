//! Deterministic parallel map over IRS indices on `std::thread::scope`: results come back in index order and each
//! item is computed by a pure function of its index, so the output does not depend on the thread count.

/// Computes `f(0), …, f(n-1)` on up to `threads` scoped threads (round-robin assignment) and returns them in order.
pub(crate) fn map_indexed<T, F>(n: usize, threads: usize, f: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize) -> T + Sync,
{
    let threads = threads.clamp(1, n.max(1));
    if threads == 1 || n <= 1 {
        return (0..n).map(&f).collect();
    }
    let mut slots: Vec<Option<T>> = (0..n).map(|_| None).collect();
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    (t..n)
                        .step_by(threads)
                        .map(|i| (i, f(i)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            match h.join() {
                Ok(items) => {
                    for (i, v) in items {
                        slots[i] = Some(v);
                    }
                }
                // A panic in a worker is a bug in this crate: re-raise it unchanged on the caller's thread.
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
    });
    slots
        .into_iter()
        .map(|s| s.expect("every index in 0..n is assigned to exactly one worker"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_are_in_index_order_for_any_thread_count() {
        let want: Vec<usize> = (0..7).map(|i| i * i).collect();
        for threads in 1..5 {
            assert_eq!(super::map_indexed(7, threads, |i| i * i), want);
        }
        assert!(super::map_indexed(0, 2, |i| i).is_empty());
    }
}
