//! Every builtin through `call_indirect_host`, run inside the VM, with a
//! check that none lacks a case. (`raise` reaching the embedding API as a
//! trap is tested in `embed/tests/raise.rs`.)

mod common;

use common::Harness;
use sheave_interp::{TrapKind, Val, ValType};
use sheave_opcodes::{Builtin, Op, ops};
use std::collections::BTreeSet;

fn call(b: Builtin) -> Op {
    ops::CallIndirectHost { id: b.id() }.into()
}

fn addr(bytes: &mut [u8]) -> i64 {
    bytes.as_mut_ptr().expose_provenance() as i64
}

#[test]
fn every_builtin() {
    let mut h = Harness::default();
    let mut covered = BTreeSet::new();
    let mut check = |b: Builtin, args: &[Val], rets: &[ValType], want: Result<Vec<Val>, TrapKind>| {
        covered.insert(b.name());
        assert_eq!(h.run(&[call(b)], args, rets), want, "{}", b.name());
    };
    let f32s = |v: &[f32]| v.iter().map(|&x| Val::from_f32(x)).collect::<Vec<_>>();
    let f64s = |v: &[f64]| v.iter().map(|&x| Val::from_f64(x)).collect::<Vec<_>>();
    use Builtin as B;
    use ValType::{F32, F64, I32, I64};
    check(B::CeilF32, &f32s(&[1.25]), &[F32], Ok(f32s(&[2.0])));
    check(B::CeilF64, &f64s(&[-1.5]), &[F64], Ok(f64s(&[-1.0])));
    check(B::FloorF32, &f32s(&[-1.25]), &[F32], Ok(f32s(&[-2.0])));
    check(B::FloorF64, &f64s(&[1.5]), &[F64], Ok(f64s(&[1.0])));
    check(B::TruncF32, &f32s(&[-1.75]), &[F32], Ok(f32s(&[-1.0])));
    check(B::TruncF64, &f64s(&[2.75]), &[F64], Ok(f64s(&[2.0])));
    check(B::NearestF32, &f32s(&[2.5]), &[F32], Ok(f32s(&[2.0])));
    check(B::NearestF64, &f64s(&[3.5]), &[F64], Ok(f64s(&[4.0])));
    check(B::FmaF32, &f32s(&[2.0, 3.0, 1.0]), &[F32], Ok(f32s(&[7.0])));
    // One rounding: (1 + 2^-52)^2 - 1 keeps the 2^-104 term only with fma.
    let e = f64::EPSILON;
    check(B::FmaF64, &f64s(&[1.0 + e, 1.0 + e, -1.0]), &[F64], Ok(f64s(&[2.0 * e + e * e])));

    let mut src = *b"abcdefgh";
    let mut dst = [0u8; 8];
    let (s, d) = (addr(&mut src), addr(&mut dst));
    check(B::Memcpy, &[Val::I64(d), Val::I64(s), Val::I64(5)], &[I64], Ok(vec![Val::I64(d)]));
    assert_eq!(&dst, b"abcde\0\0\0");
    let mut buf = *b"01234567";
    let p = addr(&mut buf);
    check(B::Memmove, &[Val::I64(p + 2), Val::I64(p), Val::I64(6)], &[I64], Ok(vec![Val::I64(p + 2)]));
    assert_eq!(&buf, b"01012345");
    check(B::Memset, &[Val::I64(p), Val::I32(0x17a), Val::I64(3)], &[I64], Ok(vec![Val::I64(p)]));
    assert_eq!(&buf, b"zzz12345");
    let mut a = *b"abcd";
    let mut b = *b"abzd";
    let (pa, pb) = (addr(&mut a), addr(&mut b));
    check(B::Memcmp, &[Val::I64(pa), Val::I64(pb), Val::I64(4)], &[I32], Ok(vec![Val::I32(-1)]));
    check(B::Memcmp, &[Val::I64(pb), Val::I64(pa), Val::I64(4)], &[I32], Ok(vec![Val::I32(1)]));
    check(B::Memcmp, &[Val::I64(pa), Val::I64(pb), Val::I64(2)], &[I32], Ok(vec![Val::I32(0)]));
    check(B::Raise, &[Val::I32(7)], &[], Err(TrapKind::Explicit(7)));

    let missing: Vec<_> = Builtin::ALL.iter().map(|b| b.name()).filter(|n| !covered.contains(n)).collect();
    assert!(missing.is_empty(), "builtins without a test case: {missing:?}");
}

#[test]
fn builtin_names_and_ids_round_trip() {
    for &b in Builtin::ALL {
        assert_eq!(Builtin::from_id(b.id()), Some(b));
        assert_eq!(Builtin::from_name(b.name()), Some(b));
        assert_eq!(Builtin::from_name(&format!("%{}", b.name())), Some(b));
        assert!(b.id() < sheave_opcodes::HOST_FUNC_BASE);
    }
    assert_eq!(Builtin::from_id(sheave_opcodes::HOST_FUNC_BASE), None);
}
