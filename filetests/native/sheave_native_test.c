/* A C library for Sheave's native-interop tests (built by filetests/build.rs
 * as a shared library): every scalar type as argument and result, more
 * arguments than registers, structs by value both ways, and functions that
 * call guest callbacks. */
#include <stdint.h>
#include <stddef.h>

int8_t neg_i8(int8_t x) { return (int8_t)-x; }
uint8_t inc_u8(uint8_t x) { return (uint8_t)(x + 1); }
int16_t neg_i16(int16_t x) { return (int16_t)-x; }
uint16_t inc_u16(uint16_t x) { return (uint16_t)(x + 1); }
int32_t neg_i32(int32_t x) { return -x; }
uint32_t inc_u32(uint32_t x) { return x + 1; }
int64_t neg_i64(int64_t x) { return -x; }
uint64_t inc_u64(uint64_t x) { return x + 1; }
float half_f32(float x) { return x / 2; }
double half_f64(double x) { return x / 2; }
int64_t add_i64(int64_t a, int64_t b) { return a + b; }
void nothing(void) {}

/* What the callee sees of a narrow argument, widened as C does. */
int32_t widen_i8(int8_t x) { return x; }
uint32_t widen_u8(uint8_t x) { return x; }
int32_t widen_i16(int16_t x) { return x; }

/* Ten integers and ten doubles, interleaved: more than the registers of
 * either class on x86-64 (6 and 8) and aarch64 (8 and 8). */
double mixed20(int64_t a0, double d0, int32_t a1, double d1, int64_t a2, double d2, int8_t a3,
               double d3, int64_t a4, double d4, uint16_t a5, double d5, int64_t a6, double d6,
               int64_t a7, float d7, int64_t a8, double d8, int64_t a9, double d9) {
    int64_t i = a0 + 2 * a1 + 3 * a2 + 4 * a3 + 5 * a4 + 6 * a5 + 7 * a6 + 8 * a7 + 9 * a8 + 10 * a9;
    double d = d0 + d1 / 2 + d2 / 4 + d3 / 8 + d4 / 16 + d5 / 32 + d6 / 64 + d7 / 128 + d8 / 256 + d9 / 512;
    return (double)i + d;
}

/* Structs by value: a small one (in registers on x86-64: one integer
 * eightbyte, one SSE eightbyte) and a large one (in memory). */
struct pair { int64_t a; double b; };
struct big { int64_t v[4]; int32_t tag; };

double pair_sum(struct pair p) { return (double)p.a + p.b; }
struct pair make_pair(int64_t a, double b) { struct pair p = { a, b }; return p; }
int64_t big_sum(struct big b) { return b.v[0] + b.v[1] + b.v[2] + b.v[3] + b.tag; }
struct big make_big(int64_t x) {
    struct big b = { { x, 2 * x, 3 * x, 4 * x }, 7 };
    return b;
}

/* Callbacks. */
typedef int64_t (*unary)(int64_t);
int64_t apply(unary f, int64_t x) { return f(x); }
int64_t apply_sum(unary f, int64_t n) {
    int64_t sum = 0;
    for (int64_t i = 0; i < n; i++) sum += f(i);
    return sum;
}
/* One level of a native/guest recursion: the guest's `f` calls back here. */
int64_t nest(unary f, int64_t depth) { return 10 * f(depth) + depth; }
double apply_f64(double (*f)(double, int32_t), double x) { return f(x, 3); }

/* Native function pointers for the guest to call. */
typedef int64_t (*binop)(int64_t, int64_t);
binop get_add(void) { return add_i64; }
typedef double (*mixed)(int64_t, double, int32_t, double, int64_t, double, int8_t, double, int64_t,
                        double, uint16_t, double, int64_t, double, int64_t, float, int64_t, double,
                        int64_t, double);
mixed get_mixed20(void) { return mixed20; }

/* A callback C keeps, and gives back. */
static unary saved;
void save_callback(unary f) { saved = f; }
unary saved_callback(void) { return saved; }
