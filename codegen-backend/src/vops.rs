//! Ops over virtual registers: one constructor per op of the tables
//! (`sheave_opcodes::for_each_op!` and `for_each_extended_op!`), named like
//! the op. Each takes a regalloc2 [`VReg`] for every register field and
//! the table's type for every other field, in declaration order, and
//! returns the op with placeholder registers (emission rewrites them) and
//! its [`Operand`]s: a def for each output field (typed `XDst`, `FDst` or
//! `VDst` in the table), a use for each other register field. Debug builds
//! check each register's class against its field.

#![allow(dead_code, clippy::too_many_arguments, clippy::vec_init_then_push)]

use regalloc2::{Operand, RegClass, VReg};
use sheave_opcodes::{FReg, FloatCC, Op, PcRel, RegMask, VReg as SVReg, XReg, XRegMask, ops};

/// An op and its register operands, one per register field in declaration
/// order (the order emission hands out the allocations in).
#[derive(Clone, Debug)]
pub struct VOp {
    pub op: Op,
    pub operands: Vec<Operand>,
}

/// A constructor of a `dst = op a` op.
pub type Unary = fn(VReg, VReg) -> VOp;
/// A constructor of a `dst = a op b` op.
pub type Binary = fn(VReg, VReg, VReg) -> VOp;

/// Placeholders for register fields: emission rewrites every one.
const X_PLACEHOLDER: XReg = XReg::FP;
const F_PLACEHOLDER: FReg = match FReg::new(0) {
    Some(r) => r,
    None => unreachable!(),
};
const V_PLACEHOLDER: SVReg = match SVReg::new(0) {
    Some(r) => r,
    None => unreachable!(),
};

/// The operand of register field `field` of `op`: a def or a use of `reg`,
/// which must be of the field's class.
fn operand(op: &'static str, field: &'static str, reg: VReg, class: RegClass, def: bool) -> Operand {
    debug_assert_eq!(reg.class(), class, "`{op}`: register class of field `{field}`");
    if def { Operand::reg_def(reg) } else { Operand::reg_use(reg) }
}

/// The constructor's parameter type for a field of table type `$ty`.
macro_rules! param_type {
    (XReg) => {
        VReg
    };
    (FReg) => {
        VReg
    };
    (VReg) => {
        VReg
    };
    (XDst) => {
        VReg
    };
    (FDst) => {
        VReg
    };
    (VDst) => {
        VReg
    };
    ($ty:ident) => {
        $ty
    };
}

/// The value stored in the op's field: a placeholder register, or the
/// immediate as given.
macro_rules! field_value {
    (XReg, $f:ident) => {
        X_PLACEHOLDER
    };
    (XDst, $f:ident) => {
        X_PLACEHOLDER
    };
    (FReg, $f:ident) => {
        F_PLACEHOLDER
    };
    (FDst, $f:ident) => {
        F_PLACEHOLDER
    };
    (VReg, $f:ident) => {
        V_PLACEHOLDER
    };
    (VDst, $f:ident) => {
        V_PLACEHOLDER
    };
    ($ty:ident, $f:ident) => {
        $f
    };
}

/// Push the operand of a register field (nothing for an immediate).
macro_rules! push_operand {
    ($ops:ident, $name:ident, XReg, $f:ident) => { push_operand!(@ $ops, $name, $f, Int, false) };
    ($ops:ident, $name:ident, XDst, $f:ident) => { push_operand!(@ $ops, $name, $f, Int, true) };
    ($ops:ident, $name:ident, FReg, $f:ident) => { push_operand!(@ $ops, $name, $f, Float, false) };
    ($ops:ident, $name:ident, FDst, $f:ident) => { push_operand!(@ $ops, $name, $f, Float, true) };
    ($ops:ident, $name:ident, VReg, $f:ident) => { push_operand!(@ $ops, $name, $f, Vector, false) };
    ($ops:ident, $name:ident, VDst, $f:ident) => { push_operand!(@ $ops, $name, $f, Vector, true) };
    ($ops:ident, $name:ident, $ty:ident, $f:ident) => {
        let _ = &$f;
    };
    (@ $ops:ident, $name:ident, $f:ident, $class:ident, $def:literal) => {
        $ops.push(operand(stringify!($name), stringify!($f), $f, RegClass::$class, $def))
    };
}

macro_rules! define_vops {
    ($( $(#[$attr:meta])* $name:ident = $Camel:ident { $($field:ident : $ty:ident),* } ; )*) => {$(
        $(#[$attr])*
        pub fn $name($($field: param_type!($ty)),*) -> VOp {
            #[allow(unused_mut)]
            let mut operands = Vec::new();
            $( push_operand!(operands, $name, $ty, $field); )*
            VOp { op: Op::from(ops::$Camel { $($field: field_value!($ty, $field)),* }), operands }
        }
    )*};
}

sheave_opcodes::for_each_op!(define_vops);
sheave_opcodes::for_each_extended_op!(define_vops);

#[cfg(test)]
mod tests {
    use super::*;
    use regalloc2::OperandKind;

    fn kinds(v: &VOp) -> Vec<(OperandKind, usize)> {
        v.operands.iter().map(|o| (o.kind(), o.vreg().vreg())).collect()
    }

    #[test]
    fn outputs_are_defs_inputs_are_uses_in_field_order() {
        let x = |n| VReg::new(n, RegClass::Int);
        let v = xadd64_carry(x(1), x(2), x(3), x(4), x(5));
        use OperandKind::{Def, Use};
        assert_eq!(kinds(&v), [(Def, 1), (Def, 2), (Use, 3), (Use, 4), (Use, 5)]);
        assert_eq!(
            v.op,
            Op::from(ops::Xadd64Carry {
                dst: X_PLACEHOLDER,
                carry_out: X_PLACEHOLDER,
                a: X_PLACEHOLDER,
                b: X_PLACEHOLDER,
                carry_in: X_PLACEHOLDER,
            })
        );
        // Stores write memory, not registers: every register field is a use.
        let s = xstore64_ix(x(6), x(7), -8, x(8));
        assert_eq!(kinds(&s), [(Use, 6), (Use, 7), (Use, 8)]);
        let Op::Xstore64Ix(op) = s.op else { panic!("{}", s.op) };
        assert_eq!(op.offset, -8);
    }

    #[test]
    fn classes_follow_the_fields() {
        let v = vextract_f32x4(VReg::new(1, RegClass::Float), VReg::new(2, RegClass::Vector), 3);
        assert_eq!(v.operands[0], Operand::reg_def(VReg::new(1, RegClass::Float)));
        assert_eq!(v.operands[1], Operand::reg_use(VReg::new(2, RegClass::Vector)));
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "register class of field `a`")]
    fn a_register_of_the_wrong_class_is_caught() {
        xneg64(VReg::new(1, RegClass::Int), VReg::new(2, RegClass::Float));
    }

    #[test]
    fn every_register_field_has_one_operand() {
        // `for_each_reg_field` (what emission rewrites) visits the fields
        // in the order of the operands.
        let (x, f) = (VReg::new(1, RegClass::Int), VReg::new(2, RegClass::Float));
        let mut v = fselect(f, x, f, f);
        let mut n = 0;
        v.op.for_each_reg_field(|_, _| n += 1);
        assert_eq!(n, v.operands.len());
        assert_eq!(kinds(&v)[0].0, OperandKind::Def);
    }
}
