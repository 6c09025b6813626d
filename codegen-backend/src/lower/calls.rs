//! The calling convention in lowering: arguments, calls, stack arguments.

use super::*;
use cranelift_codegen::isa::CallConv;
use sheave_opcodes::Builtin;

impl Lower<'_> {
    pub(super) fn lower_args(&mut self) -> LowerResult<()> {
        let params: Vec<Value> = self.func.dfg.block_params(self.func.layout.entry_block().unwrap()).to_vec();
        let mut operands = Vec::new();
        let (mut xi, mut fi, mut vi) = (0, 0, 0);
        let regs = self.flat_regs(&params)?;
        let mut on_stack = Vec::new();
        for r in regs {
            let preg = match r.class() {
                RegClass::Int => (xi, xi += 1).0,
                RegClass::Float => (fi, fi += 1).0,
                RegClass::Vector => (vi, vi += 1).0,
            };
            if preg >= ARG_REGS {
                if r.class() == RegClass::Vector {
                    return Err(format!("more than {ARG_REGS} vector arguments"));
                }
                // Beyond the argument registers: in the caller's outgoing area.
                on_stack.push(r);
                continue;
            }
            let preg = match r.class() {
                RegClass::Int => abi::x(preg),
                RegClass::Float => abi::f(preg),
                RegClass::Vector => abi::v(preg),
            };
            operands.push(Operand::reg_fixed_def(r, preg));
        }
        // The entry block's params are defined by this instruction, not by
        // the allocator's block-parameter mechanism.
        let entry = self.block_ids[&self.func.layout.entry_block().unwrap()];
        self.vcode.blocks[entry.index()].params.clear();
        self.push(VInstKind::Args, operands, PRegSet::empty());
        if self.func.signature.call_conv == CallConv::Tail {
            let bytes = (8 * on_stack.len()).next_multiple_of(16);
            self.vcode.callee_pops = u32::try_from(bytes).map_err(|_| "too many stack arguments")?;
        }
        for (slot, r) in on_stack.into_iter().enumerate() {
            let offset = i32::try_from(16 + 8 * slot).map_err(|_| "too many stack arguments")?;
            self.push(VInstKind::LoadIncoming { offset }, vec![Operand::reg_def(r)], PRegSet::empty());
        }
        Ok(())
    }

    /// Split call arguments into fixed-register operands and the rest,
    /// which go to the outgoing area in order.
    pub(super) fn call_args(&mut self, vals: &[VReg]) -> LowerResult<(Vec<Operand>, Vec<VReg>)> {
        let (mut xi, mut fi, mut vi) = (0, 0, 0);
        let (mut operands, mut rest) = (Vec::new(), Vec::new());
        for &r in vals {
            let preg = match r.class() {
                RegClass::Int => (xi < ARG_REGS).then(|| abi::x(xi)).inspect(|_| xi += 1),
                RegClass::Float => (fi < ARG_REGS).then(|| abi::f(fi)).inspect(|_| fi += 1),
                RegClass::Vector => match vi < ARG_REGS {
                    true => Some(abi::v(vi)).inspect(|_| vi += 1),
                    false => return Err(format!("more than {ARG_REGS} vector values")),
                },
            };
            match preg {
                Some(p) => operands.push(Operand::reg_fixed_use(r, p)),
                None => rest.push(r),
            }
        }
        Ok((operands, rest))
    }

    /// Reserve the outgoing area and store `rest` into it; returns its size.
    /// The area also holds the callee's `result_slots` stack results (see
    /// [`Self::call_results`]), so it has room for whichever is more.
    pub(super) fn store_outgoing(&mut self, rest: &[VReg], result_slots: usize) -> LowerResult<u32> {
        let slots = rest.len().max(result_slots);
        if slots == 0 {
            return Ok(0);
        }
        let size = u32::try_from((8 * slots).next_multiple_of(16)).map_err(|_| "too many stack arguments")?;
        self.push(VInstKind::AdjustSp { grow: true, bytes: size }, vec![], PRegSet::empty());
        for (slot, &r) in rest.iter().enumerate() {
            let offset = 8 * slot as i32;
            self.push(VInstKind::StoreOutgoing { offset }, vec![Operand::reg_use(r)], PRegSet::empty());
        }
        Ok(size)
    }

    /// A call's results: fixed-register defs for those in the result
    /// registers (the first sixteen of each class), and the rest, in order.
    ///
    /// The rest travel as a host entry's stack results do (see
    /// `Vm::call_with_stack_results`): the callee's `return` stores result
    /// `k` of the rest at `fp + 16 + 8k`, the 8-byte slot `k` of the area
    /// its caller reserved at `sp` for stack arguments (sized for both, see
    /// [`Self::store_outgoing`]), after it has read its stack arguments.
    fn call_results(&mut self, rets: &[VReg]) -> LowerResult<(Vec<Operand>, Vec<VReg>)> {
        let (uses, rest) = self.call_args(rets)?;
        let defs = uses.iter().map(|u| match u.constraint() {
            regalloc2::OperandConstraint::FixedReg(p) => Operand::reg_fixed_def(u.vreg(), p),
            _ => unreachable!("call_args gives fixed-register operands"),
        });
        Ok((defs.collect(), rest))
    }

    /// After a call that stored `args` bytes of stack arguments in an
    /// outgoing area of `area` bytes (from [`Self::store_outgoing`]): read
    /// the stack results `rest` from the area, then free it, unless the
    /// callee did (`tail` is callee-pops: it frees its `args` bytes, so
    /// when there are stack results the caller takes them back first and
    /// reads the results at `sp`, never below it).
    fn after_call(&mut self, area: u32, args: u32, rest: &[VReg], callee: ir::SigRef) -> LowerResult<()> {
        if rest.is_empty() {
            self.release_outgoing(area, callee);
            return Ok(());
        }
        if args > 0 && self.func.dfg.signatures[callee].call_conv == CallConv::Tail {
            self.push(VInstKind::AdjustSp { grow: true, bytes: args }, vec![], PRegSet::empty());
        }
        for (slot, &r) in rest.iter().enumerate() {
            let offset = i32::try_from(8 * slot).map_err(|_| "too many stack results")?;
            self.push(VInstKind::LoadOutgoing { offset }, vec![Operand::reg_def(r)], PRegSet::empty());
        }
        self.push(VInstKind::AdjustSp { grow: false, bytes: area }, vec![], PRegSet::empty());
        Ok(())
    }

    /// A tail call whose callee has stack results (its signature's results
    /// are this function's) must put the callee's stack arguments exactly
    /// where this function's were: the callee writes those results from
    /// the start of its incoming area, and this function's caller reads
    /// them from the start of the area it passed. The epilogue puts the
    /// callee's `stack_args` bytes at the top of this function's incoming
    /// area, so that start moves unless the sizes agree.
    fn check_tail_call_results(&self, stack_args: u32, what: &str) -> LowerResult<()> {
        let slots = stack_slots(self.func.signature.returns.iter().map(|p| p.value_type))?;
        let incoming = self.vcode.callee_pops;
        if slots > 0 && stack_args != incoming {
            return Err(format!(
                "a `{what}` to a function with {slots} results beyond the result registers must pass as many \
                 bytes of stack arguments as this function received ({incoming}, not {stack_args}): the \
                 callee writes those results at the start of its stack arguments, which would not be \
                 where this function's caller reads them"
            ));
        }
        Ok(())
    }

    /// Fixed-register operands for values passed by the calling convention.
    pub(super) fn abi_operands(&mut self, vals: &[VReg], def: bool) -> LowerResult<Vec<Operand>> {
        let (mut xi, mut fi, mut vi) = (0, 0, 0);
        vals.iter()
            .map(|&r| {
                let preg = match r.class() {
                    RegClass::Int => (abi::x(xi), xi += 1).0,
                    RegClass::Float => (abi::f(fi), fi += 1).0,
                    RegClass::Vector => (abi::v(vi), vi += 1).0,
                };
                if xi > ARG_REGS || fi > ARG_REGS || vi > ARG_REGS {
                    return Err(format!("more than {ARG_REGS} values of one register class"));
                }
                Ok(if def { Operand::reg_fixed_def(r, preg) } else { Operand::reg_fixed_use(r, preg) })
            })
            .collect()
    }

    pub(super) fn callee_index(&mut self, name: ir::ExternalName) -> usize {
        match self.callees.iter().position(|c| *c == name) {
            Some(i) => i,
            None => {
                self.callees.push(name);
                self.callees.len() - 1
            }
        }
    }

    /// `call_indirect sig, target(args)`.
    pub(super) fn call_indirect(&mut self, inst: ir::Inst) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let all = dfg.inst_args(inst).to_vec();
        let target = self.reg(all[0])?;
        let args: Vec<VReg> = self.flat_regs(&all[1..])?;
        let rets: Vec<VReg> = self.flat_regs(dfg.inst_results(inst))?;
        // The target lives in a register no argument uses: a callee-saved one.
        let mut operands = vec![Operand::reg_fixed_use(target, abi::x(29))];
        let (arg_operands, rest) = self.call_args(&args)?;
        operands.extend(arg_operands);
        let (defs, stack_results) = self.call_results(&rets)?;
        let outgoing = self.store_outgoing(&rest, stack_results.len())?;
        let mut clobbers = abi::caller_saved();
        for d in &defs {
            if let regalloc2::OperandConstraint::FixedReg(p) = d.constraint() {
                clobbers.remove(p);
            }
        }
        operands.extend(defs);
        let InstructionData::CallIndirect { sig_ref, .. } = self.func.dfg.insts[inst] else { unreachable!() };
        self.push(VInstKind::CallIndirect { sig: sig_ref.as_u32() }, operands, clobbers);
        self.after_call(outgoing, stack_bytes(rest.len())?, &stack_results, sig_ref)
    }

    /// After a call: free the `bytes` of stack arguments the caller stored,
    /// unless the callee did (`tail` is callee-pops).
    fn release_outgoing(&mut self, bytes: u32, callee: ir::SigRef) {
        if bytes > 0 && self.func.dfg.signatures[callee].call_conv != CallConv::Tail {
            self.push(VInstKind::AdjustSp { grow: false, bytes }, vec![], PRegSet::empty());
        }
    }

    /// `return_call_indirect sig, target(args)`: the target travels in the
    /// highest argument register the call leaves free (the epilogue restores
    /// every callee-saved one): x15, or when all sixteen x-registers carry
    /// arguments, f15 (`return_call_indirect_f`).
    pub(super) fn return_call_indirect(&mut self, inst: ir::Inst) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let all = dfg.inst_args(inst).to_vec();
        let target = self.reg(all[0])?;
        let args: Vec<VReg> = self.flat_regs(&all[1..])?;
        let (mut operands, rest) = self.call_args(&args)?;
        let count = |class| args.iter().filter(|r| r.class() == class).count();
        let (int_args, float_args) = (count(RegClass::Int), count(RegClass::Float));
        let carrier = if int_args < ARG_REGS {
            Operand::reg_fixed_use(target, abi::x(ARG_REGS - 1))
        } else if float_args < ARG_REGS {
            let bits = self.new_vreg(RegClass::Float);
            self.emit(vop::bitcast_f64_from_x(bits, target));
            Operand::reg_fixed_use(bits, abi::f(ARG_REGS - 1))
        } else {
            return Err(format!(
                "a `return_call_indirect` passing {int_args} integer and {float_args} float values leaves no register for its target"
            ));
        };
        operands.insert(0, carrier);
        self.check_tail_call_results(stack_bytes(rest.len())?, "return_call_indirect")?;
        let stack_args = self.store_outgoing(&rest, 0)?;
        let InstructionData::CallIndirect { sig_ref, .. } = self.func.dfg.insts[inst] else { unreachable!() };
        let sig = sig_ref.as_u32();
        self.push(VInstKind::ReturnCallIndirect { stack_args, sig }, operands, PRegSet::empty());
        Ok(())
    }

    /// `return_call fn(args)`. Stack arguments go below the frame first;
    /// the epilogue moves them to the top of this function's incoming area,
    /// which the callee (`tail`: callee-pops) releases.
    pub(super) fn return_call(&mut self, inst: ir::Inst) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let InstructionData::Call { func_ref, .. } = dfg.insts[inst] else { unreachable!() };
        let name = dfg.ext_funcs[func_ref].name.clone();
        let args: Vec<VReg> = self.flat_regs(dfg.inst_args(inst))?;
        let (operands, rest) = self.call_args(&args)?;
        self.check_tail_call_results(stack_bytes(rest.len())?, "return_call")?;
        let stack_args = self.store_outgoing(&rest, 0)?;
        let callee = self.callee_index(name);
        self.push(VInstKind::ReturnCall { callee, stack_args }, operands, PRegSet::empty());
        Ok(())
    }

    pub(super) fn call(&mut self, inst: ir::Inst) -> LowerResult<()> {
        let dfg = &self.func.dfg;
        let InstructionData::Call { func_ref, .. } = dfg.insts[inst] else { unreachable!() };
        let name = dfg.ext_funcs[func_ref].name.clone();
        let args: Vec<VReg> = self.flat_regs(dfg.inst_args(inst))?;
        let rets: Vec<VReg> = self.flat_regs(dfg.inst_results(inst))?;
        if let ir::ExternalName::LibCall(libcall) = name {
            if self.inline_libcall(libcall, &args, &rets) {
                return Ok(());
            }
            let signature = &self.func.dfg.signatures[dfg.ext_funcs[func_ref].signature];
            return self.builtin_call(libcall, signature.clone(), &args, &rets);
        }
        let (mut operands, rest) = self.call_args(&args)?;
        let (defs, stack_results) = self.call_results(&rets)?;
        let outgoing = self.store_outgoing(&rest, stack_results.len())?;
        // A call clobbers the caller-saved registers, except those it defines.
        let mut clobbers = abi::caller_saved();
        for d in &defs {
            if let regalloc2::OperandConstraint::FixedReg(p) = d.constraint() {
                clobbers.remove(p);
            }
        }
        operands.extend(defs);
        let callee = self.callee_index(name);
        self.push(VInstKind::Call { callee }, operands, clobbers);
        let signature = self.func.dfg.ext_funcs[func_ref].signature;
        self.after_call(outgoing, stack_bytes(rest.len())?, &stack_results, signature)
    }

    /// A libcall the host runs: `call_indirect_host` of the builtin of the
    /// same name, whose signature (from the builtin table) must agree with
    /// the call's. It clobbers only the builtin's result register.
    fn builtin_call(
        &mut self,
        libcall: ir::LibCall,
        signature: ir::Signature,
        args: &[VReg],
        rets: &[VReg],
    ) -> LowerResult<()> {
        let name = libcall.to_string();
        let builtin =
            Builtin::from_name(&name).ok_or_else(|| format!("the libcall {name} has no builtin"))?;
        abi::check_builtin_signature(&format!("%{name}"), builtin, &signature)?;
        let (mut operands, rest) = self.call_args(args)?;
        debug_assert!(rest.is_empty(), "builtins take fewer arguments than there are registers");
        let defs = self.abi_operands(rets, true)?;
        let mut clobbers = PRegSet::empty();
        match builtin.results().first() {
            Some(t) if t.is_float() => clobbers.add(abi::f(0)),
            Some(_) => clobbers.add(abi::x(0)),
            None => {}
        }
        for d in &defs {
            if let regalloc2::OperandConstraint::FixedReg(p) = d.constraint() {
                clobbers.remove(p);
            }
        }
        operands.extend(defs);
        self.push(VInstKind::HostCall { id: builtin.id() }, operands, clobbers);
        Ok(())
    }

    /// Libcalls the ISA has ops for become those ops. Returns false if
    /// `libcall` is not one of them.
    fn inline_libcall(&mut self, libcall: ir::LibCall, args: &[VReg], rets: &[VReg]) -> bool {
        use ir::LibCall as L;
        let unary = match libcall {
            L::CeilF32 => vop::fceil32,
            L::CeilF64 => vop::fceil64,
            L::FloorF32 => vop::ffloor32,
            L::FloorF64 => vop::ffloor64,
            L::TruncF32 => vop::ftrunc32,
            L::TruncF64 => vop::ftrunc64,
            L::NearestF32 => vop::fnearest32,
            L::NearestF64 => vop::fnearest64,
            L::FmaF32 | L::FmaF64 => {
                let fma = if libcall == L::FmaF64 { vop::fma64 } else { vop::fma32 };
                let (&[d], &[a, b, c]) = (rets, args) else { return false };
                self.emit(fma(d, a, b, c));
                return true;
            }
            _ => return false,
        };
        let (&[d], &[a]) = (rets, args) else { return false };
        self.emit(unary(d, a));
        true
    }
}

/// The bytes of an outgoing area of `slots` 8-byte slots (16-byte aligned).
fn stack_bytes(slots: usize) -> LowerResult<u32> {
    u32::try_from((8 * slots).next_multiple_of(16)).map_err(|_| "too many stack arguments".into())
}

/// How many values of `types` travel beyond the registers of their class
/// (an i128 or f128 takes two x-registers).
fn stack_slots(types: impl Iterator<Item = Type>) -> LowerResult<usize> {
    let (mut ints, mut floats) = (0usize, 0usize);
    for ty in types {
        if ty == types::I128 || ty == types::F128 {
            ints += 2;
            continue;
        }
        match Lower::class_of(ty)? {
            RegClass::Int => ints += 1,
            RegClass::Float => floats += 1,
            RegClass::Vector => {}
        }
    }
    Ok(ints.saturating_sub(ARG_REGS) + floats.saturating_sub(ARG_REGS))
}
