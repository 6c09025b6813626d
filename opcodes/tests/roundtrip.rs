//! Every op, with edge-value operands, through encoder, decoder and
//! disassembler; and the ISA fingerprint that guards opcode numbers.

use sheave_opcodes::*;

/// Operand values to try: the extremes and something in between.
trait Samples: Sized {
    fn sample(seed: usize) -> Self;
}
macro_rules! int_samples {
    ($($t:ty),*) => {$(
        impl Samples for $t {
            fn sample(seed: usize) -> Self {
                [<$t>::MIN, <$t>::MAX, 0 as $t, 1 as $t, (<$t>::MAX / 3) as $t][seed % 5]
            }
        }
    )*};
}
int_samples!(u8, u16, u32, u64, u128, i8, i16, i32, i64);
macro_rules! reg_samples {
    ($($t:ident),*) => {$(
        impl Samples for $t {
            fn sample(seed: usize) -> Self {
                $t::new([0u8, 31, 17, 1, 30][seed % 5]).unwrap()
            }
        }
    )*};
}
reg_samples!(XReg, FReg, VReg);
impl Samples for PcRel {
    fn sample(seed: usize) -> Self {
        PcRel(i32::sample(seed))
    }
}
impl Samples for RegMask {
    fn sample(seed: usize) -> Self {
        RegMask([0, (1 << 30) - 1, 0b101, 1 << 29, 1 << 13][seed % 5])
    }
}
impl Samples for XRegMask {
    fn sample(seed: usize) -> Self {
        XRegMask([0, (1 << 14) - 1, 0b101, 1 << 13][seed % 4])
    }
}
impl Samples for FloatCC {
    fn sample(seed: usize) -> Self {
        FloatCC::ALL[seed * 3 % FloatCC::ALL.len()]
    }
}

/// Every op, built with operands from `seed` (each field offset so that
/// fields of one op differ).
macro_rules! all_ops {
    ($( $(#[$attr:meta])* $name:ident = $Camel:ident { $($field:ident : $ty:ty),* } ; )*) => {
        #[allow(unused_mut, unused_variables, unused_assignments)]
        fn ops_of_table(seed: usize) -> Vec<Op> {
            let mut v = Vec::new();
            $({
                let mut k = seed;
                v.push(Op::from(ops::$Camel { $($field: { k += 1; <$ty as Samples>::sample(k) }),* }));
            })*
            v
        }
    };
}
mod hot {
    use super::*;
    for_each_op!(all_ops);
    pub fn ops(seed: usize) -> Vec<Op> {
        ops_of_table(seed)
    }
}
mod ext {
    use super::*;
    for_each_extended_op!(all_ops);
    pub fn ops(seed: usize) -> Vec<Op> {
        ops_of_table(seed)
    }
}

fn every_op(seed: usize) -> Vec<Op> {
    let mut v = hot::ops(seed);
    v.extend(ext::ops(seed));
    v
}

#[test]
fn every_op_round_trips_through_encoder_decoder_and_disassembler() {
    let count = Opcode::COUNT + ExtOpcode::COUNT;
    for seed in 0..5 {
        let ops = every_op(seed);
        assert_eq!(ops.len(), count);
        let mut code = Vec::new();
        for op in &ops {
            let start = code.len();
            op.encode(&mut code);
            assert_eq!(code.len() - start, op.size(), "{} encodes to its declared size", op.name());
            let (decoded, size) = Op::decode(&code[start..]).unwrap_or_else(|e| panic!("{op}: {e}"));
            assert_eq!(decoded, *op);
            assert_eq!(size, op.size());
            // A truncated op is an error, never a panic or a wrong op.
            for cut in 0..size {
                assert!(Op::decode(&code[start..start + cut]).is_err(), "{} truncated to {cut}", op.name());
            }
            let text = op.to_string();
            assert!(text.starts_with(op.name()), "{text}");
        }
        // The whole buffer decodes back into the same sequence...
        let decoded: Vec<Op> = decode_all(&code).unwrap().into_iter().map(|(_, op)| op).collect();
        assert_eq!(decoded, ops);
        // ...and disassembles to one line per op, each naming its op.
        let mut text = String::new();
        disassemble(&code, DisasOptions::default(), &mut text).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), ops.len());
        for (line, op) in lines.iter().zip(&ops) {
            assert!(line.contains(&op.to_string()), "{line:?} shows {op}");
        }
    }
}

#[test]
fn hot_ops_take_one_opcode_byte_and_extended_ops_three() {
    for op in hot::ops(0) {
        let mut code = Vec::new();
        op.encode(&mut code);
        assert_ne!(code[0], ESCAPE);
        assert_eq!(Opcode::from_number(code[0]).unwrap().name(), op.name());
    }
    for op in ext::ops(0) {
        let mut code = Vec::new();
        op.encode(&mut code);
        assert_eq!(code[0], ESCAPE);
        let n = u16::from_le_bytes([code[1], code[2]]);
        assert_eq!(ExtOpcode::from_number(n).unwrap().name(), op.name());
    }
}

#[test]
fn encoding_is_packed_little_endian() {
    // xadd64 x1, x2, x3: opcode, then 15 bits of registers in 2 bytes.
    let x = |i| XReg::new(i).unwrap();
    let mut code = Vec::new();
    encode::xadd64(&mut code, x(1), x(2), x(3));
    let regs = 1 | 2 << 5 | 3 << 10;
    assert_eq!(code, [Opcode::Xadd64 as u8, regs as u8, (regs >> 8) as u8]);
    // xconst32: one register byte, then the immediate little-endian.
    code.clear();
    encode::xconst32(&mut code, x(31), 0x1234_5678);
    assert_eq!(code, [Opcode::Xconst32 as u8, 31, 0x78, 0x56, 0x34, 0x12]);
    // An extended op: escape, u16 opcode, operands.
    code.clear();
    encode::xrotr64(&mut code, x(0), x(0), x(0));
    let n = ExtOpcode::Xrotr64 as u16;
    assert_eq!(code, [ESCAPE, n as u8, (n >> 8) as u8, 0, 0]);
}

#[test]
fn branch_displacement_is_the_last_four_bytes_of_every_branch() {
    // The assembler patches branches there; check it holds for every op.
    for op in every_op(2) {
        if let Some(rel) = op.pc_rel() {
            let mut code = Vec::new();
            op.encode(&mut code);
            let tail: [u8; 4] = code[code.len() - 4..].try_into().unwrap();
            assert_eq!(i32::from_le_bytes(tail), rel.0, "{}", op.name());
        }
    }
}

#[test]
fn decoder_rejects_bad_bytes_with_reasons() {
    // A hot opcode past the table's end, while the table leaves one free.
    if Opcode::COUNT < ESCAPE as usize {
        let unknown = Opcode::COUNT as u8;
        assert_eq!(Op::decode(&[unknown]), Err(DecodeErrorKind::UnknownOpcode(unknown)));
    }
    let n = ExtOpcode::COUNT as u16;
    assert_eq!(Op::decode(&[ESCAPE, n as u8, (n >> 8) as u8]), Err(DecodeErrorKind::UnknownExtOpcode(n)));
    assert!(matches!(Op::decode(&[]), Err(DecodeErrorKind::Truncated { .. })));
    assert!(matches!(Op::decode(&[ESCAPE, 0]), Err(DecodeErrorKind::Truncated { .. })));
    // Spare bits of the register field set: xmov uses 10 of 16 bits.
    let e = Op::decode(&[Opcode::Xmov as u8, 0, 0x80]).unwrap_err();
    assert!(e.to_string().contains("spare bits"), "{e}");
    // A float condition code that does not exist.
    let mut code = Vec::new();
    let f = FReg::new(0).unwrap();
    encode::fcmp32(&mut code, XReg::new(0).unwrap(), f, f, FloatCC::ORDERED);
    *code.last_mut().unwrap() = 14;
    let e = Op::decode(&code).unwrap_err();
    assert!(e.to_string().contains("condition"), "{e}");
    // A register mask naming bits past f31.
    code.clear();
    encode::push_frame_save(&mut code, 64, RegMask(0));
    *code.last_mut().unwrap() = 0x40;
    assert!(Op::decode(&code).unwrap_err().to_string().contains("mask"));
}

#[test]
fn disassembly_shows_offsets_bytes_and_branch_targets() {
    let x = |i| XReg::new(i).unwrap();
    let mut code = Vec::new();
    encode::xconst8(&mut code, x(0), -1);
    encode::br_if_xslt64_i(&mut code, x(0), 5, PcRel(-3));
    encode::ret(&mut code);
    let mut text = String::new();
    disassemble(&code, DisasOptions { base_offset: 0x100, show_bytes: true }, &mut text).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].trim_start().starts_with("100:"), "{text}");
    assert!(lines[0].ends_with("xconst8 x0, -1"), "{text}");
    assert!(lines[1].contains("br_if_xslt64_i x0, 5, pc-3    ; -> 0x100"), "{text}");
    assert!(lines[2].ends_with("ret"), "{text}");
    // Bad bytes stop the disassembly with the offset of the bad op.
    code.push(0xFE);
    let mut text = String::new();
    let e = disassemble(&code, DisasOptions::default(), &mut text).unwrap_err();
    assert!(e.to_string().contains(&format!("{:#x}", code.len() - 1)), "{e}");
}

#[test]
fn isa_fingerprint_matches_the_recorded_version() {
    // If this fails you changed an opcode number or an op's operands:
    // bump ISA_VERSION and record the new fingerprint.
    assert_eq!(
        isa_fingerprint(),
        ISA_FINGERPRINT,
        "the op tables changed: bump ISA_VERSION (now {ISA_VERSION}) and set ISA_FINGERPRINT = {:#018x}",
        isa_fingerprint()
    );
}
