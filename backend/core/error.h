#pragma once
// Typed errors of the backend. Every message names the file, tensor, page or field at fault. They are caught only at
// boundaries (the CLI prints one line and exits non-zero; InferenceService emits failed()). Library code never exits.

#include <stdexcept>
#include <string>

namespace moescope {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A file or folder could not be opened, read, mapped or written (missing, permissions, disk full).
class IoError : public Error {
public:
    using Error::Error;
};

// The content of a file is malformed: bad header, bad JSON, inconsistent offsets, truncated data.
class FormatError : public Error {
public:
    using Error::Error;
};

// Well-formed input that uses something MoEScope does not support (architecture, dtype, tokenizer component).
class UnsupportedError : public Error {
public:
    using Error::Error;
};

// A tensor's shape or dtype does not match what the configuration requires.
class ShapeError : public Error {
public:
    using Error::Error;
};

// A caller passed an invalid argument (bad option value, token id out of range).
class InvalidArgumentError : public Error {
public:
    using Error::Error;
};

// The device ran out of memory; the message says how much was needed and on which device.
class OutOfMemoryError : public Error {
public:
    using Error::Error;
};

// The operation was cancelled through its stop token. Not a failure: callers usually report it quietly.
class CancelledError : public Error {
public:
    CancelledError()
        : Error("cancelled")
    {
    }
    using Error::Error;
};

} // namespace moescope
