//! What each op does, as a method of [`State`] named after the op.
//!
//! Every method takes the op's position ([`At`]) and its operands, and
//! returns the next pc or [`crate::state::Stop`]. The dispatch module wires
//! them to the decoder; nothing here knows how ops are encoded.

mod control;
mod float;
mod int;
mod memory;
mod moves;
mod vector;
