//! Float operations that `core` lacks: from `std` when present, else `libm`.
//! Both are correctly rounded for these operations, so results agree.

macro_rules! float_fns {
    ($($name:ident($($a:ident: $t:ty),*) -> $r:ty = std $std:expr, libm $libm:path;)*) => {$(
        #[inline]
        pub fn $name($($a: $t),*) -> $r {
            #[cfg(feature = "std")]
            { $std }
            #[cfg(not(feature = "std"))]
            { $libm($($a),*) }
        }
    )*};
}

float_fns! {
    sqrt32(x: f32) -> f32 = std x.sqrt(), libm libm::sqrtf;
    sqrt64(x: f64) -> f64 = std x.sqrt(), libm libm::sqrt;
    ceil32(x: f32) -> f32 = std x.ceil(), libm libm::ceilf;
    ceil64(x: f64) -> f64 = std x.ceil(), libm libm::ceil;
    floor32(x: f32) -> f32 = std x.floor(), libm libm::floorf;
    floor64(x: f64) -> f64 = std x.floor(), libm libm::floor;
    trunc32(x: f32) -> f32 = std x.trunc(), libm libm::truncf;
    trunc64(x: f64) -> f64 = std x.trunc(), libm libm::trunc;
    nearest32(x: f32) -> f32 = std x.round_ties_even(), libm libm::roundevenf;
    nearest64(x: f64) -> f64 = std x.round_ties_even(), libm libm::roundeven;
    fma32(a: f32, b: f32, c: f32) -> f32 = std a.mul_add(b, c), libm libm::fmaf;
    fma64(a: f64, b: f64, c: f64) -> f64 = std a.mul_add(b, c), libm libm::fma;
}
