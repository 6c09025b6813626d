//! Coverage of the op table: every row can be picked, every family and
//! every opcode of the table reaches generated programs.

use super::ops::{FAMILIES, TABLE};
use super::{Config, generate_recording};
use crate::seeded_bytes;
use arbitrary::Unstructured;
use cranelift_codegen::ir::Opcode;
use std::collections::BTreeSet;
use std::sync::LazyLock;

/// Programs generated from seeds `0..PROGRAMS`.
const PROGRAMS: u64 = 3000;

/// The rows inserted and the opcodes in the finished programs, shared by
/// the tests.
static GENERATED: LazyLock<(Vec<usize>, BTreeSet<String>)> = LazyLock::new(generate_many);

fn generate_many() -> (Vec<usize>, BTreeSet<String>) {
    let (mut used, mut opcodes) = (Vec::new(), BTreeSet::new());
    for seed in 0..PROGRAMS {
        let data = seeded_bytes(seed, 1024);
        let Ok(program) = generate_recording(&mut Unstructured::new(&data), &Config::default(), &mut used)
        else {
            continue;
        };
        for f in &program.functions {
            for block in f.layout.blocks() {
                for inst in f.layout.block_insts(block) {
                    opcodes.insert(f.dfg.insts[inst].opcode().to_string());
                }
            }
        }
    }
    (used, opcodes)
}

#[test]
fn every_row_family_and_opcode_is_generated() {
    let (used, opcodes) = &*GENERATED;
    let mut count = vec![0usize; TABLE.len()];
    for &row in used {
        count[row] += 1;
    }
    let never: Vec<_> = (0..TABLE.len()).filter(|&i| count[i] == 0).map(|i| &TABLE[i]).collect();
    assert!(never.is_empty(), "{} of {} rows never used: {never:#?}", never.len(), TABLE.len());

    let families: BTreeSet<_> = used.iter().map(|&row| TABLE[row].family).collect();
    for (family, _, _) in FAMILIES {
        assert!(families.contains(&family), "family {family:?} never used");
    }
    // Each row's opcode survives into a program's laid-out blocks.
    let missing: BTreeSet<String> =
        TABLE.iter().map(|row| row.opcode.to_string()).filter(|op| !opcodes.contains(op)).collect();
    assert!(missing.is_empty(), "opcodes in no generated program: {missing:?}");
    eprintln!("{} rows, {} instructions from rows, {} opcodes seen", TABLE.len(), used.len(), opcodes.len());
}

/// The op families of the hand-written generator this table replaced,
/// each by opcodes that only it emitted.
#[test]
fn the_earlier_generators_families_are_in_the_table() {
    use Opcode::*;
    let families: [&[Opcode]; 17] = [
        &[Iadd, Isub, Imul, Band, Bor, Bxor, Bnot, Smin, Smax, Umin, Umax, Umulhi, Smulhi],
        &[Ishl, Ushr, Sshr, Rotl, Rotr],
        &[Udiv, Sdiv, Urem, Srem],
        &[Ineg, Clz, Ctz, Popcnt, Cls, Bitrev, Bswap, Iabs],
        &[Icmp, Fcmp, Select, SelectSpectreGuard],
        &[Uextend, Sextend, Ireduce, Bmask],
        &[
            UaddOverflow,
            SaddOverflow,
            UsubOverflow,
            SsubOverflow,
            UmulOverflow,
            SmulOverflow,
            UaddOverflowTrap,
        ],
        &[Fadd, Fsub, Fmul, Fdiv, Fmin, Fmax, Fcopysign, Fma, Fneg, Fabs, Sqrt, Ceil, Floor, Trunc, Nearest],
        &[
            FcvtFromSint,
            FcvtFromUint,
            FcvtToSintSat,
            FcvtToUintSat,
            FcvtToSint,
            FcvtToUint,
            Fpromote,
            Fdemote,
        ],
        &[
            Bitcast, Load, Store, Istore8, Istore16, Istore32, Uload8, Sload8, Uload16, Sload16, Uload32,
            Sload32,
        ],
        &[Trapz, Trapnz, Call, CallIndirect, Isplit, Iconcat, Iconst, F32const, F64const],
        &[UaddSat, SaddSat, UsubSat, SsubSat, SqmulRoundSat],
        &[Splat, Extractlane, Insertlane],
        &[SwidenLow, SwidenHigh, UwidenLow, UwidenHigh, Snarrow, Unarrow, Uunarrow, IaddPairwise],
        &[FvpromoteLow, Fvdemote, VanyTrue, VallTrue, VhighBits],
        &[Bitselect, Shuffle, Swizzle],
        &[StackAddr],
    ];
    let (_, seen) = &*GENERATED;
    for op in families.iter().flat_map(|ops| ops.iter()) {
        assert!(seen.contains(&op.to_string()), "{op} is no longer generated");
    }
}
