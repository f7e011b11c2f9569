//! Criterion benches of the UPA steering vector with both derivatives, at the paper's size and at N = 4096.

use criterion::{criterion_group, criterion_main, Criterion};
use irs_array::{Complex64, Upa};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    for (nv, nh) in [(4usize, 4usize), (64, 64)] {
        let upa = Upa::half_wavelength(nv, nh).expect("valid sizes");
        let n = upa.len();
        let (mut a, mut dt, mut dp) = (
            vec![Complex64::new(0.0, 0.0); n],
            vec![Complex64::new(0.0, 0.0); n],
            vec![Complex64::new(0.0, 0.0); n],
        );
        c.bench_function(&format!("steering_with_derivatives_into {nv}x{nh}"), |b| {
            b.iter(|| {
                upa.steering_with_derivatives_into(
                    black_box(1.1),
                    black_box(0.7),
                    &mut a,
                    &mut dt,
                    &mut dp,
                )
                .expect("buffers have length N")
            })
        });
        c.bench_function(&format!("steering_into {nv}x{nh}"), |b| {
            b.iter(|| {
                upa.steering_into(black_box(1.1), black_box(0.7), &mut a)
                    .expect("length N")
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
