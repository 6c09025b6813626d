//! Guest backtraces: from the VM's [`TrapSite`] (pc, `lr`, the frame
//! records' return addresses) to function names and offsets.

use crate::trap::FrameInfo;
use alloc::vec::Vec;
use sheave_format::Module;
use sheave_interp::TrapSite;
use sheave_opcodes::Op;

/// Per function of `module`: the offset of the op that pushes its frame,
/// if it starts by pushing one, either first or after one conditional
/// branch (the compiler's early exit that needs no frame: that branch and
/// the `ret` it reaches cannot trap). A function without one keeps its
/// return address in `lr`.
pub(crate) fn framed_functions(module: &Module) -> Vec<Option<usize>> {
    let pushes = |op: &Op| matches!(op, Op::PushFrame(_) | Op::PushFrameSave(_) | Op::PushFrameSaveX(_));
    module
        .functions()
        .iter()
        .map(|f| {
            let code = module.code().get(f.range.clone())?;
            let (first, len) = Op::decode(code).ok()?;
            if pushes(&first) {
                return Some(0);
            }
            if !first.name().starts_with("br_if") {
                return None;
            }
            let (second, _) = Op::decode(code.get(len..)?).ok()?;
            pushes(&second).then_some(len)
        })
        .collect()
}

/// If the op at `at` is a `call_host` family op (a call of an import that
/// the linker made direct), the frame its import's stub would have had:
/// the stub's first op. Backtraces then read as they did with the stub.
pub(crate) fn direct_host_call(module: &Module, at: *const u8) -> Option<FrameInfo> {
    let offset = at.addr().checked_sub(module.code().as_ptr().addr())?;
    let (op, _) = Op::decode(module.code().get(offset..)?).ok()?;
    if matches!(op, Op::CallIndirectHost(_)) {
        return None;
    }
    let import = module.imports().get(module.import_index(op.host_call_id()?)?)?;
    let stub = module.functions().iter().find(|f| f.name == import.name)?;
    Some(FrameInfo { function: Some(stub.name.clone()), offset: 0 })
}

/// The guest frames of a trap site, innermost first.
pub(crate) fn frames(module: &Module, framed: &[Option<usize>], site: &TrapSite) -> Vec<FrameInfo> {
    let base = module.code().as_ptr().addr();
    let locate = |addr: usize| -> FrameInfo {
        let found = addr
            .checked_sub(base)
            .and_then(|off| module.function_at(off).map(|(i, f)| (i, off - f.range.start)));
        match found {
            Some((i, offset)) => FrameInfo { function: Some(module.functions()[i].name.clone()), offset },
            None => FrameInfo { function: None, offset: addr },
        }
    };
    let mut frames = alloc::vec![locate(site.pc)];
    // Has the innermost function pushed its frame? Then its return
    // address is in the first frame record; otherwise it is in `lr`.
    let innermost_framed = site
        .pc
        .checked_sub(base)
        .and_then(|off| module.function_at(off))
        .is_some_and(|(i, f)| framed[i].is_some_and(|push| site.pc - base > f.range.start + push));
    if !innermost_framed {
        if site.lr == 0 {
            return frames;
        }
        frames.push(locate(site.lr));
    }
    frames.extend(site.callers.iter().map(|&ret| locate(ret)));
    frames
}
