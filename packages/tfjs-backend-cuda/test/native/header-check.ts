/**
 * Shared by the tests that hold src/addon/cuda_api.h against NVIDIA's real headers: the C++ that
 * compares two function-pointer types argument by argument (kind and size, and the pointee's where
 * both are complete), the static_asserts built on it, and a syntax-only compile with the host C++
 * compiler. A mismatch fails the compile with the assert's message.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ADDON_DIR = join(import.meta.dirname, '..', '..', 'src', 'addon');

/** C++ (after <type_traits>): check::SameAbi<A, B> for function pointers, check::same for strings. */
export const ABI_CHECK = `namespace check {
template <class T, class = void> struct Complete : std::false_type {};
template <class T> struct Complete<T, std::void_t<decltype(sizeof(T))>> : std::true_type {};
template <class T> constexpr int kind() {
  return std::is_pointer_v<T> ? 1 : std::is_floating_point_v<T> ? 2 : (std::is_integral_v<T> || std::is_enum_v<T>) ? 3 : 0;
}
template <class A, class B> constexpr bool sameScalar() { return kind<A>() == kind<B>() && sizeof(A) == sizeof(B); }
// Same in the calling convention: kind and size, and for pointers the pointee's when both are complete
// (opaque handles and void stay unchecked).
template <class A, class B> constexpr bool sameArg() {
  if constexpr (!sameScalar<A, B>()) {
    return false;
  } else if constexpr (std::is_pointer_v<A>) {
    using PA = std::remove_cv_t<std::remove_pointer_t<A>>;
    using PB = std::remove_cv_t<std::remove_pointer_t<B>>;
    if constexpr (Complete<PA>::value && Complete<PB>::value) return sameScalar<PA, PB>();
    else return true;
  } else {
    return true;
  }
}
template <class... T> struct List {};
template <class A, class B> struct SameList : std::false_type {};
template <> struct SameList<List<>, List<>> : std::true_type {};
template <class A0, class... As, class B0, class... Bs>
struct SameList<List<A0, As...>, List<B0, Bs...>>
    : std::bool_constant<sameArg<A0, B0>() && SameList<List<As...>, List<Bs...>>::value> {};
template <class A, class B> struct SameAbi : std::false_type {};
template <class RA, class... PA, class RB, class... PB>
struct SameAbi<RA (*)(PA...), RB (*)(PB...)>
    : std::bool_constant<sameArg<RA, RB>() && SameList<List<PA...>, List<PB...>>::value> {};
constexpr bool same(const char *a, const char *b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}
}  // namespace check
`;

/** An entry point an addon struct binds: member `member` of the struct, the library's symbol `symbol`. */
export interface Binding {
  member: string;
  symbol: string;
}

/** The body of `bool fn(...) { ... }` in device.cc (the functions that bind a library's symbols). */
export function functionBody(deviceCc: string, fn: string): string {
  const body = new RegExp(`bool ${fn}\\([^)]*\\) \\{([\\s\\S]*?)\\n\\}`).exec(deviceCc)?.[1];
  if (!body) throw new Error(`${fn} not found in device.cc`);
  return body;
}

/** The plain NER_BIND(api, name) bindings in `body`: member and symbol of the same name. */
export function plainBindings(body: string, api: string): Binding[] {
  return [...body.matchAll(new RegExp(`NER_BIND\\(${api}, (\\w+)\\)`, 'g'))].map((m) => ({
    member: m[1] as string,
    symbol: m[1] as string,
  }));
}

/** static_asserts that `ner::cuda::<struct>::<member>` has the ABI of the header's `symbol`. */
export function abiAsserts(struct: string, bindings: Binding[], headerName: string): string[] {
  return bindings.map(
    (b) =>
      `static_assert(check::SameAbi<decltype(ner::cuda::${struct}::${b.member}), decltype(&::${b.symbol})>::value,\n` +
      `              "${struct}::${b.member} does not match ${b.symbol} in ${headerName}");`,
  );
}

/** static_asserts that each of cuda_api.h's enumerators has the header's value. */
export function valueAsserts(enumerators: string[], headerName: string): string[] {
  return enumerators.map(
    (e) =>
      `static_assert(static_cast<long long>(ner::cuda::${e}) == static_cast<long long>(::${e}), "${e} differs from ${headerName}");`,
  );
}

/** Compiles `source` (syntax only, C++17) with `includeDirs` and the addon's folder on the path. */
export function compileCheck(
  source: string,
  includeDirs: string[],
): { ok: boolean; log: string; skipped?: string } {
  const cxx = ['g++', 'c++', 'clang++'].find((c) => spawnSync(c, ['--version']).status === 0);
  if (!cxx) return { ok: false, log: '', skipped: 'no C++ compiler' };
  const dir = mkdtempSync(join(tmpdir(), 'ner-cuda-header-check-'));
  try {
    const file = join(dir, 'check.cc');
    writeFileSync(file, source);
    const run = spawnSync(
      cxx,
      ['-std=c++17', '-fsyntax-only', ...includeDirs.map((d) => `-I${d}`), `-I${ADDON_DIR}`, file],
      { encoding: 'utf8' },
    );
    return { ok: run.status === 0, log: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
