"""`wasm-opt` for release builds, from Binaryen's own library rather than compiled here.

cargo-leptos runs `wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int FILE -o
FILE` on every WASM file of a release build. Compiling Binaryen's C++ (the `wasm-opt` crate)
took 6 of a fresh machine's minutes; this runs the same optimizer — Binaryen's release 116, the
crate's version, in the shared library the pinned `icpp-binaryen` wheel carries (the official
release's build, it says) — through its C API, with the command line's settings: read the module, enable the command
line's default features and those asked for, validate, run the default optimization pipeline
at the levels asked for, validate again, write it without a names section. docs/benchmarks.md
("wasm-opt, weighed again") says how it was checked to write the same bytes as the compiled
`wasm-opt`.

Only the arguments cargo-leptos passes are understood; anything else is refused (exit 2), so
a new option never silently does nothing.
"""

import ctypes
import os
import sys

# `-O<level>` as Binaryen's command line reads it: (optimize level, shrink level).
LEVELS = {
    "-O": (2, 1),
    "-O0": (0, 0),
    "-O1": (1, 0),
    "-O2": (2, 0),
    "-O3": (3, 0),
    "-O4": (4, 0),
    "-Os": (2, 1),
    "-Oz": (2, 2),
}

# `--enable-<name>` and the library's function giving that feature's bit.
FEATURES = {
    "bulk-memory": "BinaryenFeatureBulkMemory",
    "nontrapping-float-to-int": "BinaryenFeatureNontrappingFPToInt",
    "sign-ext": "BinaryenFeatureSignExt",
    "mutable-globals": "BinaryenFeatureMutableGlobals",
    "reference-types": "BinaryenFeatureReferenceTypes",
    "multivalue": "BinaryenFeatureMultivalue",
    "simd": "BinaryenFeatureSIMD128",
}

# Enabled by Binaryen's command line unless disabled (its `FeatureSet::Default`).
DEFAULT_FEATURES = ["sign-ext", "mutable-globals"]


class Usage(Exception):
    """An argument this wrapper doesn't understand."""


class Written(ctypes.Structure):
    """BinaryenModuleAllocateAndWriteResult."""

    _fields_ = [
        ("binary", ctypes.c_void_p),
        ("binary_bytes", ctypes.c_size_t),
        ("source_map", ctypes.c_void_p),
    ]


def parse(args):
    """The input, the output, the levels and the feature names from the command line."""
    levels, features, source, target = None, [], None, None
    rest = iter(args)
    for arg in rest:
        if arg in LEVELS:
            if levels is not None:
                raise Usage("one optimization level only")
            levels = LEVELS[arg]
        elif arg.startswith("--enable-") and arg[len("--enable-"):] in FEATURES:
            features.append(arg[len("--enable-"):])
        elif arg == "-o":
            target = next(rest, None)
            if target is None:
                raise Usage("-o needs a file")
        elif arg.startswith("-"):
            raise Usage(f"unsupported argument {arg}")
        elif source is None:
            source = arg
        else:
            raise Usage(f"a second input {arg}")
    if source is None or target is None:
        raise Usage("an input file and -o FILE are needed")
    return source, target, levels, features


def library():
    """Binaryen's shared library, found in the installed `icpp_binaryen` package."""
    import importlib.util

    spec = importlib.util.find_spec("icpp_binaryen")
    if spec is None or not spec.submodule_search_locations:
        raise OSError("the icpp-binaryen package is not installed (make release-tools)")
    path = os.path.join(list(spec.submodule_search_locations)[0], "lib", "libbinaryen.so")
    lib = ctypes.CDLL(path)
    lib.BinaryenModuleRead.restype = ctypes.c_void_p
    lib.BinaryenModuleRead.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    for name in ("BinaryenModuleValidate", "BinaryenModuleOptimize", "BinaryenModuleDispose"):
        getattr(lib, name).argtypes = [ctypes.c_void_p]
    lib.BinaryenModuleValidate.restype = ctypes.c_int
    lib.BinaryenModuleGetFeatures.restype = ctypes.c_uint32
    lib.BinaryenModuleGetFeatures.argtypes = [ctypes.c_void_p]
    lib.BinaryenModuleSetFeatures.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
    lib.BinaryenModuleAllocateAndWrite.restype = Written
    lib.BinaryenModuleAllocateAndWrite.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    for name in FEATURES.values():
        getattr(lib, name).restype = ctypes.c_uint32
    return lib


def optimize(lib, data, levels, features):
    """The module in `data`, optimized at `levels` (as read when None, as the command line
    without `-O`); raises ValueError when it doesn't validate."""
    module = lib.BinaryenModuleRead(data, len(data))
    try:
        # What the module's own `target_features` section declared, Binaryen's command line's
        # defaults, and what was asked for.
        enabled = lib.BinaryenModuleGetFeatures(module)
        for name in DEFAULT_FEATURES + features:
            enabled |= getattr(lib, FEATURES[name])()
        lib.BinaryenModuleSetFeatures(module, enabled)
        if not lib.BinaryenModuleValidate(module):
            raise ValueError("the input does not validate")
        lib.BinaryenSetDebugInfo(False)
        if levels is not None:
            lib.BinaryenSetOptimizeLevel(levels[0])
            lib.BinaryenSetShrinkLevel(levels[1])
            lib.BinaryenModuleOptimize(module)
            if not lib.BinaryenModuleValidate(module):
                raise ValueError("the optimized module does not validate")
        written = lib.BinaryenModuleAllocateAndWrite(module, None)
        try:
            return ctypes.string_at(written.binary, written.binary_bytes)
        finally:
            libc = ctypes.CDLL(None)
            libc.free.argtypes = [ctypes.c_void_p]
            libc.free(written.binary)
    finally:
        lib.BinaryenModuleDispose(module)


def main(args):
    if args == ["--version"]:
        # The release of the library installed (the Makefile checks it), as Binaryen's tool says it.
        from importlib.metadata import PackageNotFoundError, version

        try:
            release = version("icpp-binaryen")
        except PackageNotFoundError:
            print("wasm-opt: the icpp-binaryen package is not installed", file=sys.stderr)
            return 1
        print(f"wasm-opt version {release.split('.')[0]} (icpp-binaryen {release})")
        return 0
    try:
        source, target, levels, features = parse(args)
    except Usage as usage:
        print(f"wasm-opt: {usage}", file=sys.stderr)
        return 2
    try:
        with open(source, "rb") as file:
            data = file.read()
        result = optimize(library(), data, levels, features)
    except (OSError, ValueError) as error:
        print(f"wasm-opt: {source}: {error}", file=sys.stderr)
        return 1
    # Written beside the target then renamed: `-o` is often the input itself.
    partial = f"{target}.wasm-opt-partial"
    with open(partial, "wb") as file:
        file.write(result)
    os.replace(partial, target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
