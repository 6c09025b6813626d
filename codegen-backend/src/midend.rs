//! Cranelift's own passes before lowering: the verifier, then the mid-end
//! (unreachable-code removal, e-graph rewrites, GVN, LICM, alias analysis)
//! at the function's `opt_level`; then, when optimizing, our own move of
//! costly constants and invariant ops out of loops (`hoist.rs`), and
//! counter steps down into the branch edge that uses them (`sink.rs`).

use crate::Error;
use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::ir::Function;
use cranelift_codegen::isa::{self, OwnedTargetIsa};
use cranelift_codegen::print_errors::pretty_verifier_error;
use cranelift_codegen::settings::{self, Configurable, Flags};
use cranelift_codegen::{CodegenError, Context};
use std::str::FromStr;
use target_lexicon::Triple;

/// What the bytecode will run on: pointer width and byte order, and the
/// Cranelift settings the functions are compiled with. The bytecode format
/// is the same for every target; these only change what CLIF means
/// (pointer types, native endianness).
pub struct Target {
    isa: OwnedTargetIsa,
    /// The same ISA with `enable_verifier` off, for the mid-end's passes:
    /// [`optimize`] verifies their input once itself (see there).
    midend_isa: OwnedTargetIsa,
    /// A 32-bit target that also accepts 64-bit addresses (see
    /// [`Target::with_64_bit_addresses`]).
    wide_addresses: bool,
}

impl Target {
    /// A target from Cranelift settings and a pointer width / endianness.
    pub fn new(flags: Flags, pointer_bits: u8, big_endian: bool) -> Result<Target, Error> {
        let triple = match (pointer_bits, big_endian) {
            (64, false) => "pulley64",
            (64, true) => "pulley64be",
            (32, false) => "pulley32",
            (32, true) => "pulley32be",
            _ => return Err(target_error(format!("unsupported pointer width {pointer_bits} (32 or 64)"))),
        };
        // Cranelift's mid-end needs a `TargetIsa`; Pulley's is portable and
        // only its flags, pointer width and endianness are used.
        let triple = Triple::from_str(triple).map_err(target_error)?;
        let mut unverified = settings::builder();
        for v in flags.iter() {
            unverified.set(v.name, &v.value_string()).map_err(target_error)?;
        }
        unverified.set("enable_verifier", "false").expect("known setting");
        let builder = isa::lookup(triple).map_err(target_error)?;
        let midend_isa = builder.finish(Flags::new(unverified)).map_err(target_error)?;
        let isa = builder.finish(flags).map_err(target_error)?;
        Ok(Target { isa, midend_isa, wide_addresses: false })
    }

    /// This 32-bit target, also accepting 64-bit addresses, as Cranelift's
    /// interpreter does. Interpreter-only test files state
    /// target-independent semantics, and some mix `stack_addr.i32` and
    /// `.i64` in one function. The bytecode does not care, as an address
    /// is a register either way: one below 4 GiB (as a 32-bit target's
    /// stack must be) is the same in both widths. A 64-bit target gains
    /// nothing: its stack may lie above 4 GiB, out of a 32-bit address's
    /// reach, so it is refused.
    pub fn with_64_bit_addresses(self) -> Result<Target, Error> {
        if self.pointer_bits() != 32 {
            return Err(target_error("only a 32-bit target can also accept 64-bit addresses"));
        }
        // The mid-end verifies with the ISA when `enable_verifier` is set,
        // so turn it off and verify first, leaving out that one check.
        let mut b = settings::builder();
        for v in self.isa.flags().iter() {
            b.set(v.name, &v.value_string()).map_err(target_error)?;
        }
        b.set("enable_verifier", "false").expect("known setting");
        let mut target = Target::new(Flags::new(b), self.pointer_bits(), self.big_endian())?;
        target.wide_addresses = true;
        Ok(target)
    }

    /// 64-bit little-endian with `opt_level=speed`.
    pub fn default_64() -> Target {
        Target::named("pulley64").expect("pulley64 is built in")
    }

    /// The target a Pulley triple names (`pulley64`, `pulley64be`,
    /// `pulley32`, `pulley32be`), with `opt_level=speed`.
    pub fn named(name: &str) -> Result<Target, Error> {
        let (bits, big) = match name {
            "pulley64" => (64, false),
            "pulley64be" => (64, true),
            "pulley32" => (32, false),
            "pulley32be" => (32, true),
            _ => {
                return Err(target_error(format!(
                    "unknown target `{name}` (pulley64, pulley64be, pulley32 or pulley32be)"
                )));
            }
        };
        let mut b = settings::builder();
        b.set("opt_level", "speed").expect("known setting");
        Target::new(Flags::new(b), bits, big)
    }

    /// The same pointer width and endianness as `isa` (e.g. a `target`
    /// line of a test file), with its flags.
    pub fn like(isa: &dyn isa::TargetIsa) -> Result<Target, Error> {
        let big = isa.endianness() == cranelift_codegen::ir::Endianness::Big;
        Target::new(isa.flags().clone(), isa.pointer_bits(), big)
    }

    /// Whether `get_pinned_reg`/`set_pinned_reg` have a reserved register.
    pub fn pinned_reg(&self) -> bool {
        self.isa.flags().enable_pinned_reg()
    }

    /// Width of a pointer (`stack_addr`, `func_addr`...): 32 or 64 bits.
    pub fn pointer_bits(&self) -> u8 {
        self.isa.pointer_bits()
    }

    /// What a module compiled for this target records of it.
    pub fn module_target(&self) -> sheave_format::ModuleTarget {
        sheave_format::ModuleTarget { pointer_bits: self.pointer_bits(), big_endian: self.big_endian() }
    }

    /// Whether memory accesses without explicit endianness are big-endian.
    pub fn big_endian(&self) -> bool {
        self.isa.endianness() == cranelift_codegen::ir::Endianness::Big
    }

    /// What `cranelift-frontend` needs to know of the target
    /// (`FunctionBuilder::finalize`): pointer width and calling convention.
    pub fn frontend_config(&self) -> isa::TargetFrontendConfig {
        self.isa.frontend_config()
    }

    /// The Cranelift ISA the mid-end runs with (Pulley's, for this
    /// target's pointer width and byte order).
    pub fn isa(&self) -> &dyn isa::TargetIsa {
        &*self.isa
    }
}

/// Verify `func` and run the mid-end on a copy of it.
pub fn optimize(func: &Function, target: &Target) -> Result<Function, Error> {
    let mut ctx = Context::for_function(func.clone());
    let verifier_errors = |func: &Function, errors| Error::Verifier {
        function: func.name.to_string(),
        report: pretty_verifier_error(func, None, errors),
    };
    // Lowering relies on verified input, so verify it here, once. With
    // `enable_verifier` Cranelift's mid-end verifies again before its
    // first pass and after each: those checks of Cranelift's own output
    // cost a third of our whole compile time, so its passes run on an ISA
    // with the flag off (the bytecode verifier still checks what we emit).
    if let Err(mut errors) = ctx.verify(target.isa()) {
        if target.wide_addresses {
            errors.0.retain(|e| !e.message.starts_with("invalid pointer width (got 64, expected 32)"));
        }
        if !errors.is_empty() {
            return Err(verifier_errors(&ctx.func, errors));
        }
    }
    match ctx.optimize(&*target.midend_isa, &mut ControlPlane::default()) {
        Ok(()) => {
            if target.midend_isa.flags().opt_level() != settings::OptLevel::None {
                crate::hoist::hoist_loop_constants(&mut ctx.func, &ctx.loop_analysis);
                crate::hoist::hoist_invariant_ops(&mut ctx.func, &ctx.domtree, &ctx.loop_analysis);
                crate::sink::sink_steps_into_edges(&mut ctx.func);
            }
            Ok(ctx.func)
        }
        Err(CodegenError::Verifier(errors)) => Err(verifier_errors(&ctx.func, errors)),
        Err(source) => Err(Error::MidEnd { function: func.name.to_string(), source }),
    }
}

fn target_error(reason: impl std::fmt::Display) -> Error {
    Error::Target { reason: reason.to_string() }
}
