//! The table of operations the generator picks from: one row per opcode
//! and type signature, built once from the type lists below. A new op is
//! one `row` call in its family's function; a new type is one entry in
//! the type lists it belongs to (`FLOATS` for a float with arithmetic: its
//! variables, arithmetic, compares, loads and stores follow; `BITS_FLOATS`
//! for one that only moves, as `f16` and `f128` are), plus its constants
//! and argument values in `arbitrary_value` and its constant op in
//! `constant`.

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{Opcode, Type, types};
use std::sync::LazyLock;

pub(super) const INTS: [Type; 5] = [types::I8, types::I16, types::I32, types::I64, types::I128];
/// Integers up to 64 bits: overflow ops, `umulhi`/`smulhi`, vector shift
/// amounts and `vhigh_bits` results never take `i128`.
const NARROW_INTS: [Type; 4] = [types::I8, types::I16, types::I32, types::I64];
const FLOATS: [Type; 2] = [types::F32, types::F64];
/// The 128-bit vector types: variables of each, and sometimes in signatures.
pub(super) const VECS: [Type; 6] =
    [types::I8X16, types::I16X8, types::I32X4, types::I64X2, types::F32X4, types::F64X2];
const INT_VECS: [Type; 4] = [types::I8X16, types::I16X8, types::I32X4, types::I64X2];
const FLOAT_VECS: [Type; 2] = [types::F32X4, types::F64X2];
/// Integer widths that scalar int↔float conversions use.
const CONVERT_INTS: [Type; 2] = [types::I32, types::I64];
/// Values that narrow stores and extending loads apply to.
const EXTENDABLE: [Type; 3] = [types::I16, types::I32, types::I64];
/// (integer vector, float vector) pairs of the same lane width.
const LANE_PAIRS: [(Type, Type); 2] = [(types::I32X4, types::F32X4), (types::I64X2, types::F64X2)];

/// Floats that only move: no arithmetic, compares or conversions take
/// them (Sheave carries them as their bits, and cranelift-interpreter 0.135
/// only moves them), but as scalars they get variables, signatures,
/// constants, selects, loads and stores, and bitcasts to and from the
/// integer of their width.
pub(super) const BITS_FLOATS: [Type; 2] = [types::F16, types::F128];

/// The scalar types: variables of each, constants, selects, loads and stores.
pub(super) static SCALARS: LazyLock<Vec<Type>> =
    LazyLock::new(|| INTS.into_iter().chain(FLOATS).chain(BITS_FLOATS).collect());

const ICC: [IntCC; 10] = [
    IntCC::Equal,
    IntCC::NotEqual,
    IntCC::SignedLessThan,
    IntCC::SignedGreaterThanOrEqual,
    IntCC::SignedGreaterThan,
    IntCC::SignedLessThanOrEqual,
    IntCC::UnsignedLessThan,
    IntCC::UnsignedGreaterThanOrEqual,
    IntCC::UnsignedGreaterThan,
    IntCC::UnsignedLessThanOrEqual,
];
const FCC: [FloatCC; 14] = [
    FloatCC::Ordered,
    FloatCC::Unordered,
    FloatCC::Equal,
    FloatCC::NotEqual,
    FloatCC::OrderedNotEqual,
    FloatCC::UnorderedOrEqual,
    FloatCC::LessThan,
    FloatCC::LessThanOrEqual,
    FloatCC::GreaterThan,
    FloatCC::GreaterThanOrEqual,
    FloatCC::UnorderedOrLessThan,
    FloatCC::UnorderedOrLessThanOrEqual,
    FloatCC::UnorderedOrGreaterThan,
    FloatCC::UnorderedOrGreaterThanOrEqual,
];
/// The float vector compares the generator has always limited itself to.
const VEC_FCC: [FloatCC; 8] = [
    FloatCC::Ordered,
    FloatCC::Unordered,
    FloatCC::Equal,
    FloatCC::NotEqual,
    FloatCC::LessThan,
    FloatCC::GreaterThanOrEqual,
    FloatCC::UnorderedOrLessThan,
    FloatCC::OrderedNotEqual,
];

/// How a row's instruction is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Shape {
    /// Just value operands, built by the opcode's format (unary, binary,
    /// ternary).
    Operands,
    /// A bitwise op on `bnot` of its second operand: what the builder's
    /// `band_not`, `bor_not` and `bxor_not` expand to.
    InvertSecond,
    /// `srem` with the divisor replaced by 1 where the dividend is the
    /// minimum and the divisor -1 (see `avoid_min_by_minus_one`).
    SremGuarded,
    /// `icmp` with one of these condition codes.
    IntCompare(&'static [IntCC]),
    /// `fcmp` with one of these condition codes.
    FloatCompare(&'static [FloatCC]),
    /// `extractlane`/`insertlane`: a lane index of the first operand.
    Lane,
    /// `shuffle` with a random byte mask.
    Shuffle,
    /// `bitcast`, float operands canonicalized first (their NaN payloads
    /// would become bits).
    Bitcast,
    /// A constant of the result type.
    Constant,
    /// A load of `bytes` from the stack slot.
    Load { access: Access, bytes: u32 },
    /// A store of `bytes` to the stack slot, floats canonicalized first.
    Store { access: Access, bytes: u32 },
    /// `trapz`/`trapnz` with a user trap code.
    CondTrap,
    /// `uadd_overflow_trap`, trapping with `int_ovf`.
    AddTrap,
    /// A direct call of a later function (its signature gives the types).
    Call,
    /// An indirect call of a later function through `func_addr`.
    CallIndirect,
}

/// How a load or store reaches the stack slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Access {
    /// The address of slot + offset, `notrap` flags (`stack_load`/`stack_store`).
    Stack,
    /// Through the slot's address with an offset, trusted, in a random
    /// explicit byte order.
    Ordered,
    /// Through the slot's address with an offset, trusted, the target's
    /// order (vectors: little-endian on big-endian targets, see the
    /// generator's module doc).
    Native,
}

/// Groups of rows, for weighting the choice and for checking coverage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Family {
    IntArith,
    Shift,
    IntDiv,
    IntUnary,
    Compare,
    Select,
    IntConvert,
    Overflow,
    FloatArith,
    FloatUnary,
    FloatConvert,
    Bitcast,
    Memory,
    CondTrap,
    Call,
    I128Parts,
    Constant,
    VectorArith,
    VectorUnary,
    VectorShift,
    VectorCompare,
    VectorLanes,
    VectorWidenNarrow,
    VectorConvert,
    VectorReduce,
    VectorSelect,
    VectorShuffle,
    VectorBitcast,
    VectorMemory,
}

/// One operation: an opcode at one type signature.
#[derive(Clone, Debug)]
pub(super) struct Row {
    pub(super) opcode: Opcode,
    /// Types of the operands taken from variables, in order.
    pub(super) args: Vec<Type>,
    /// Types of the results, each stored to a variable.
    pub(super) results: Vec<Type>,
    pub(super) shape: Shape,
    pub(super) family: Family,
}

/// Every row, built on first use.
pub(super) static TABLE: LazyLock<Vec<Row>> = LazyLock::new(build_table);

/// Rows under construction, all of one family at a time.
pub(super) struct Rows {
    rows: Vec<Row>,
    family: Family,
}

impl Rows {
    fn row(&mut self, shape: Shape, opcode: Opcode, args: &[Type], results: &[Type]) {
        let (args, results) = (args.to_vec(), results.to_vec());
        self.rows.push(Row { opcode, args, results, shape, family: self.family });
    }

    /// `ops` as `(ty, ty) -> ty` for each of `tys`.
    fn binary(&mut self, ops: &[Opcode], tys: &[Type]) {
        for &ty in tys {
            for &op in ops {
                self.row(Shape::Operands, op, &[ty, ty], &[ty]);
            }
        }
    }

    /// `ops` as `(ty, bnot ty) -> ty` for each of `tys`.
    fn invert_second(&mut self, ops: &[Opcode], tys: &[Type]) {
        for &ty in tys {
            for &op in ops {
                self.row(Shape::InvertSecond, op, &[ty, ty], &[ty]);
            }
        }
    }

    /// `ops` as `ty -> ty` for each of `tys`.
    fn unary(&mut self, ops: &[Opcode], tys: &[Type]) {
        for &ty in tys {
            for &op in ops {
                self.row(Shape::Operands, op, &[ty], &[ty]);
            }
        }
    }

    /// Shifts of each of `tys` by an amount of each of `amounts`.
    fn shifts(&mut self, ops: &[Opcode], tys: &[Type], amounts: &[Type]) {
        for &ty in tys {
            for &amt in amounts {
                for &op in ops {
                    self.row(Shape::Operands, op, &[ty, amt], &[ty]);
                }
            }
        }
    }

    /// Float binary ops and `fma` on each of `tys`.
    fn float_arith(&mut self, tys: &[Type]) {
        use Opcode::*;
        self.binary(&[Fadd, Fsub, Fmul, Fdiv, Fmin, Fmax, Fcopysign], tys);
        for &ty in tys {
            self.row(Shape::Operands, Fma, &[ty, ty, ty], &[ty]);
        }
    }

    fn float_unary(&mut self, tys: &[Type]) {
        use Opcode::*;
        self.unary(&[Fneg, Fabs, Sqrt, Ceil, Floor, Trunc, Nearest], tys);
    }

    /// The non-trapping int↔float conversions between `it` and `ft`.
    fn int_float(&mut self, it: Type, ft: Type) {
        use Opcode::*;
        self.row(Shape::Operands, FcvtFromSint, &[it], &[ft]);
        self.row(Shape::Operands, FcvtFromUint, &[it], &[ft]);
        self.row(Shape::Operands, FcvtToSintSat, &[ft], &[it]);
        self.row(Shape::Operands, FcvtToUintSat, &[ft], &[it]);
    }

    /// `select` on a condition of each integer type, between values of
    /// each of `tys`.
    fn selects(&mut self, op: Opcode, tys: &[Type]) {
        for &ty in tys {
            for cond in INTS {
                self.row(Shape::Operands, op, &[cond, ty, ty], &[ty]);
            }
        }
    }

    fn bitcast(&mut self, from: Type, to: Type) {
        self.row(Shape::Bitcast, Opcode::Bitcast, &[from], &[to]);
    }

    fn load(&mut self, op: Opcode, access: Access, bytes: u32, ty: Type) {
        self.row(Shape::Load { access, bytes }, op, &[], &[ty]);
    }

    fn store(&mut self, op: Opcode, access: Access, bytes: u32, ty: Type) {
        self.row(Shape::Store { access, bytes }, op, &[ty], &[]);
    }
}

fn build_table() -> Vec<Row> {
    let mut t = Rows { rows: Vec::new(), family: Family::IntArith };
    for (family, _, add) in FAMILIES {
        t.family = family;
        add(&mut t);
    }
    t.rows
}

/// A function adding a family's rows.
pub(super) type AddRows = fn(&mut Rows);

/// Each family; its weight, how often it is picked relative to the
/// others (before a row of it), in the proportions of the earlier
/// hand-written generator; and the function adding its rows.
pub(super) const FAMILIES: [(Family, u32, AddRows); 29] = [
    (Family::IntArith, 12, int_arith),
    (Family::Shift, 4, shift),
    (Family::IntDiv, 4, int_div),
    (Family::IntUnary, 4, int_unary),
    (Family::Compare, 4, compare),
    (Family::Select, 2, select),
    (Family::IntConvert, 4, int_convert),
    (Family::Overflow, 4, overflow),
    (Family::FloatArith, 8, |t| t.float_arith(&FLOATS)),
    (Family::FloatUnary, 4, |t| t.float_unary(&FLOATS)),
    (Family::FloatConvert, 4, float_convert),
    (Family::Bitcast, 4, bitcast),
    (Family::Memory, 8, memory),
    (Family::CondTrap, 4, cond_trap),
    (Family::Call, 4, call),
    (Family::I128Parts, 4, i128_parts),
    (Family::Constant, 4, constant),
    (Family::VectorArith, 2, vector_arith),
    (Family::VectorUnary, 1, vector_unary),
    (Family::VectorShift, 1, vector_shift),
    (Family::VectorCompare, 1, vector_compare),
    (Family::VectorLanes, 1, vector_lanes),
    (Family::VectorWidenNarrow, 1, vector_widen_narrow),
    (Family::VectorConvert, 1, vector_convert),
    (Family::VectorReduce, 1, vector_reduce),
    (Family::VectorSelect, 1, vector_select),
    (Family::VectorShuffle, 1, vector_shuffle),
    (Family::VectorBitcast, 1, vector_bitcast),
    (Family::VectorMemory, 1, vector_memory),
];

fn int_arith(t: &mut Rows) {
    use Opcode::*;
    t.binary(&[Iadd, Isub, Imul, Band, Bor, Bxor, Smin, Smax, Umin, Umax], &INTS);
    t.invert_second(&[Band, Bor, Bxor], &INTS);
    t.binary(&[Umulhi, Smulhi], &NARROW_INTS);
}

fn shift(t: &mut Rows) {
    use Opcode::*;
    // Scalar shift amounts may be of any integer type.
    t.shifts(&[Ishl, Ushr, Sshr, Rotl, Rotr], &INTS, &INTS);
}

fn int_div(t: &mut Rows) {
    use Opcode::*;
    t.binary(&[Udiv, Sdiv, Urem], &INTS);
    for ty in INTS {
        t.row(Shape::SremGuarded, Srem, &[ty, ty], &[ty]);
    }
}

fn int_unary(t: &mut Rows) {
    use Opcode::*;
    t.unary(&[Ineg, Bnot, Clz, Ctz, Popcnt, Cls, Bitrev, Iabs], &INTS);
    // CLIF has no `bswap` of one byte.
    t.unary(&[Bswap], &INTS[1..]);
}

fn compare(t: &mut Rows) {
    for ty in INTS {
        t.row(Shape::IntCompare(&ICC), Opcode::Icmp, &[ty, ty], &[types::I8]);
    }
    for ty in FLOATS {
        t.row(Shape::FloatCompare(&FCC), Opcode::Fcmp, &[ty, ty], &[types::I8]);
    }
}

fn select(t: &mut Rows) {
    t.selects(Opcode::Select, &SCALARS);
    t.selects(Opcode::SelectSpectreGuard, &SCALARS);
}

fn int_convert(t: &mut Rows) {
    use Opcode::*;
    for from in INTS {
        for to in INTS {
            if from.bits() < to.bits() {
                t.row(Shape::Operands, Uextend, &[from], &[to]);
                t.row(Shape::Operands, Sextend, &[from], &[to]);
            } else if from.bits() > to.bits() {
                t.row(Shape::Operands, Ireduce, &[from], &[to]);
            }
            t.row(Shape::Operands, Bmask, &[from], &[to]);
        }
    }
}

fn overflow(t: &mut Rows) {
    use Opcode::*;
    for ty in NARROW_INTS {
        for op in [UaddOverflow, SaddOverflow, UsubOverflow, SsubOverflow, UmulOverflow, SmulOverflow] {
            t.row(Shape::Operands, op, &[ty, ty], &[ty, types::I8]);
        }
    }
    for ty in [types::I32, types::I64] {
        t.row(Shape::AddTrap, UaddOverflowTrap, &[ty, ty], &[ty]);
    }
}

fn float_convert(t: &mut Rows) {
    use Opcode::*;
    for it in CONVERT_INTS {
        for ft in FLOATS {
            t.int_float(it, ft);
            // Trapping conversions: scalars only, both engines trap alike.
            t.row(Shape::Operands, FcvtToSint, &[ft], &[it]);
            t.row(Shape::Operands, FcvtToUint, &[ft], &[it]);
        }
    }
    t.row(Shape::Operands, Fpromote, &[types::F32], &[types::F64]);
    t.row(Shape::Operands, Fdemote, &[types::F64], &[types::F32]);
}

fn bitcast(t: &mut Rows) {
    let pairs = [
        (types::F16, types::I16),
        (types::F32, types::I32),
        (types::F64, types::I64),
        (types::F128, types::I128),
    ];
    for (ft, it) in pairs {
        t.bitcast(it, ft);
        t.bitcast(ft, it);
    }
}

fn memory(t: &mut Rows) {
    use Opcode::*;
    for &ty in SCALARS.iter() {
        for access in [Access::Stack, Access::Ordered] {
            t.store(Store, access, ty.bytes(), ty);
            t.load(Load, access, ty.bytes(), ty);
        }
    }
    // Narrow stores and extending loads, of fewer bytes than the value.
    let narrow =
        [(Istore8, Uload8, Sload8, 1), (Istore16, Uload16, Sload16, 2), (Istore32, Uload32, Sload32, 4)];
    for ty in EXTENDABLE {
        for (store, uload, sload, bytes) in narrow {
            if bytes < ty.bytes() {
                t.store(store, Access::Native, bytes, ty);
                t.load(uload, Access::Native, bytes, ty);
                t.load(sload, Access::Native, bytes, ty);
            }
        }
    }
}

fn cond_trap(t: &mut Rows) {
    for ty in INTS {
        t.row(Shape::CondTrap, Opcode::Trapz, &[ty], &[]);
        t.row(Shape::CondTrap, Opcode::Trapnz, &[ty], &[]);
    }
}

fn call(t: &mut Rows) {
    t.row(Shape::Call, Opcode::Call, &[], &[]);
    t.row(Shape::CallIndirect, Opcode::CallIndirect, &[], &[]);
}

fn i128_parts(t: &mut Rows) {
    t.row(Shape::Operands, Opcode::Isplit, &[types::I128], &[types::I64, types::I64]);
    t.row(Shape::Operands, Opcode::Iconcat, &[types::I64, types::I64], &[types::I128]);
}

fn constant(t: &mut Rows) {
    for &ty in SCALARS.iter() {
        let op = match ty {
            types::F16 => Opcode::F16const,
            types::F32 => Opcode::F32const,
            types::F64 => Opcode::F64const,
            types::F128 => Opcode::F128const,
            _ => Opcode::Iconst,
        };
        t.row(Shape::Constant, op, &[], &[ty]);
    }
}

fn vector_arith(t: &mut Rows) {
    use Opcode::*;
    // (No `avg_round`: cranelift-interpreter 0.135 lacks it on vectors.)
    let ops = [
        Iadd, Isub, Imul, Smin, Smax, Umin, Umax, UaddSat, SaddSat, UsubSat, SsubSat, Band, Bor, Bxor,
        Smulhi, Umulhi,
    ];
    t.binary(&ops, &INT_VECS);
    t.invert_second(&[Band], &INT_VECS);
    t.binary(&[SqmulRoundSat], &[types::I16X8, types::I32X4]);
    t.float_arith(&FLOAT_VECS);
}

fn vector_unary(t: &mut Rows) {
    use Opcode::*;
    t.unary(&[Ineg, Iabs, Bnot, Popcnt], &INT_VECS);
    t.unary(&[Bnot], &FLOAT_VECS);
    t.float_unary(&FLOAT_VECS);
}

fn vector_shift(t: &mut Rows) {
    use Opcode::*;
    t.shifts(&[Ishl, Ushr, Sshr], &INT_VECS, &NARROW_INTS);
}

fn vector_compare(t: &mut Rows) {
    for ty in INT_VECS {
        t.row(Shape::IntCompare(&ICC), Opcode::Icmp, &[ty, ty], &[ty]);
    }
    for ty in FLOAT_VECS {
        t.row(Shape::FloatCompare(&VEC_FCC), Opcode::Fcmp, &[ty, ty], &[ty.as_int()]);
    }
}

fn vector_lanes(t: &mut Rows) {
    for ty in VECS {
        let lane = ty.lane_type();
        t.row(Shape::Operands, Opcode::Splat, &[lane], &[ty]);
        t.row(Shape::Lane, Opcode::Extractlane, &[ty], &[lane]);
        t.row(Shape::Lane, Opcode::Insertlane, &[ty, lane], &[ty]);
    }
}

fn vector_widen_narrow(t: &mut Rows) {
    use Opcode::*;
    for narrow in &INT_VECS[..3] {
        let wide = narrow.merge_lanes().expect("lanes up to 32 bits widen");
        for op in [SwidenLow, SwidenHigh, UwidenLow, UwidenHigh] {
            t.row(Shape::Operands, op, &[*narrow], &[wide]);
        }
        for op in [Snarrow, Unarrow, Uunarrow] {
            t.row(Shape::Operands, op, &[wide, wide], &[*narrow]);
        }
        t.row(Shape::Operands, IaddPairwise, &[*narrow, *narrow], &[*narrow]);
    }
}

fn vector_convert(t: &mut Rows) {
    // No trapping vector conversions: CLIF has none.
    for (it, ft) in LANE_PAIRS {
        t.int_float(it, ft);
    }
    t.row(Shape::Operands, Opcode::FvpromoteLow, &[types::F32X4], &[types::F64X2]);
    t.row(Shape::Operands, Opcode::Fvdemote, &[types::F64X2], &[types::F32X4]);
}

fn vector_reduce(t: &mut Rows) {
    use Opcode::*;
    for ty in INT_VECS {
        t.row(Shape::Operands, VanyTrue, &[ty], &[types::I8]);
        t.row(Shape::Operands, VallTrue, &[ty], &[types::I8]);
        for to in NARROW_INTS {
            t.row(Shape::Operands, VhighBits, &[ty], &[to]);
        }
    }
}

fn vector_select(t: &mut Rows) {
    for ty in VECS {
        t.row(Shape::Operands, Opcode::Bitselect, &[ty, ty, ty], &[ty]);
    }
    t.selects(Opcode::Select, &VECS);
}

fn vector_shuffle(t: &mut Rows) {
    let v = types::I8X16;
    t.row(Shape::Shuffle, Opcode::Shuffle, &[v, v], &[v]);
    t.row(Shape::Operands, Opcode::Swizzle, &[v, v], &[v]);
}

fn vector_bitcast(t: &mut Rows) {
    for from in VECS {
        for to in VECS {
            t.bitcast(from, to);
        }
    }
}

fn vector_memory(t: &mut Rows) {
    // (cranelift-interpreter 0.135 has no extending vector loads.)
    for ty in VECS {
        t.store(Opcode::Store, Access::Native, 16, ty);
        t.load(Opcode::Load, Access::Native, 16, ty);
    }
}
