//! Text form of bytecode: offset, bytes, op, and where branches go.

use crate::{DecodeError, Op};
use core::fmt::{self, Write};

/// How [`disassemble`] lays out each line.
#[derive(Copy, Clone, Debug)]
pub struct DisasOptions {
    /// Added to each printed offset (e.g. the function's offset in a module).
    pub base_offset: usize,
    /// Print the encoded bytes of each op.
    pub show_bytes: bool,
}

impl Default for DisasOptions {
    fn default() -> Self {
        DisasOptions { base_offset: 0, show_bytes: true }
    }
}

/// Write one line per op of `code` to `out`. Stops at the first op that
/// does not decode and returns its error (the lines before it are written).
pub fn disassemble(code: &[u8], options: DisasOptions, out: &mut dyn Write) -> Result<(), DisasError> {
    let mut at = 0;
    while at < code.len() {
        let (op, size) = Op::decode(&code[at..])
            .map_err(|kind| DisasError::Decode(DecodeError { offset: options.base_offset + at, kind }))?;
        let offset = options.base_offset + at;
        write!(out, "{offset:8x}:")?;
        if options.show_bytes {
            let mut bytes_width = 0;
            for b in &code[at..at + size] {
                write!(out, " {b:02x}")?;
                bytes_width += 3;
            }
            // Ops are at most 3 + 4 + 8 bytes; pad so the ops line up.
            for _ in bytes_width..3 * 12 {
                out.write_char(' ')?;
            }
        }
        write!(out, "  {op}")?;
        if let Some(rel) = op.pc_rel() {
            let target = offset as i64 + rel.0 as i64;
            write!(out, "    ; -> {target:#x}")?;
        }
        if let Some(id) = op.host_call_id() {
            match crate::Builtin::from_id(id) {
                Some(builtin) => write!(out, "    ; builtin {}", builtin.name())?,
                None => match id.checked_sub(crate::HOST_FUNC_BASE) {
                    Some(k) => write!(out, "    ; import {k}")?,
                    None => write!(out, "    ; unknown builtin")?,
                },
            }
        }
        out.write_char('\n')?;
        at += size;
    }
    Ok(())
}

/// Why [`disassemble`] stopped.
#[derive(Debug)]
pub enum DisasError {
    /// An op did not decode.
    Decode(DecodeError),
    /// The output refused a write.
    Fmt(fmt::Error),
}

impl From<fmt::Error> for DisasError {
    fn from(e: fmt::Error) -> Self {
        DisasError::Fmt(e)
    }
}

impl fmt::Display for DisasError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DisasError::Decode(e) => e.fmt(f),
            DisasError::Fmt(_) => f.write_str("formatter error"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for DisasError {}
