//! Register moves, constants and selects.

use crate::state::{At, Flow, State};
use sheave_opcodes::{FReg, VReg, XReg};

impl State {
    #[inline(always)]
    pub fn xmov(&mut self, at: At, dst: XReg, src: XReg) -> Flow {
        self.set_x64(dst, self.x64(src));
        Ok(at.next)
    }
    #[inline(always)]
    pub fn fmov(&mut self, at: At, dst: FReg, src: FReg) -> Flow {
        self.f[dst.index()] = self.f[src.index()];
        Ok(at.next)
    }
    #[inline(always)]
    pub fn vmov(&mut self, at: At, dst: VReg, src: VReg) -> Flow {
        self.set_v(dst, self.v(src));
        Ok(at.next)
    }
    #[inline(always)]
    pub fn xpcadd(&mut self, at: At, dst: XReg, offset: sheave_opcodes::PcRel) -> Flow {
        self.set_x64(dst, at.rel(offset).expose_provenance() as u64);
        Ok(at.next)
    }
    #[inline(always)]
    pub fn xzero(&mut self, at: At, dst: XReg) -> Flow {
        self.set_x64(dst, 0);
        Ok(at.next)
    }
    #[inline(always)]
    pub fn xconst8(&mut self, at: At, dst: XReg, imm: i8) -> Flow {
        self.set_x64(dst, imm as i64 as u64);
        Ok(at.next)
    }
    #[inline(always)]
    pub fn xconst16(&mut self, at: At, dst: XReg, imm: i16) -> Flow {
        self.set_x64(dst, imm as i64 as u64);
        Ok(at.next)
    }
    #[inline(always)]
    pub fn xconst32(&mut self, at: At, dst: XReg, imm: i32) -> Flow {
        self.set_x64(dst, imm as i64 as u64);
        Ok(at.next)
    }
    #[inline(always)]
    pub fn xconst64(&mut self, at: At, dst: XReg, imm: i64) -> Flow {
        self.set_x64(dst, imm as u64);
        Ok(at.next)
    }
    #[inline(always)]
    pub fn fconst32(&mut self, at: At, dst: FReg, bits: u32) -> Flow {
        self.f[dst.index()] = bits as u64;
        Ok(at.next)
    }
    #[inline(always)]
    pub fn fconst64(&mut self, at: At, dst: FReg, bits: u64) -> Flow {
        self.f[dst.index()] = bits;
        Ok(at.next)
    }
    #[inline(always)]
    pub fn xselect(&mut self, at: At, dst: XReg, cond: XReg, a: XReg, b: XReg) -> Flow {
        let v = if self.x64(cond) != 0 { self.x64(a) } else { self.x64(b) };
        self.set_x64(dst, v);
        Ok(at.next)
    }
    #[inline(always)]
    pub fn fselect(&mut self, at: At, dst: FReg, cond: XReg, a: FReg, b: FReg) -> Flow {
        let v = if self.x64(cond) != 0 { self.f[a.index()] } else { self.f[b.index()] };
        self.f[dst.index()] = v;
        Ok(at.next)
    }
}
