# nbdkit python plugin: the fault lab's disk, a plain file whose flush fails and whose requests
# stall on command. nbdkit 1.32's error filter has no flush trigger and its delay filter is fixed
# at start, so these two faults live here, switched by trigger files as the error filter's are.
#
#   nbdkit python disk.py file=IMAGE flushfail=TRIGGER stall=TRIGGER
#
# While TRIGGER flushfail exists every flush fails with EIO; while TRIGGER stall exists every
# request waits (a disk that stops answering, as a hung controller does).
import errno
import os
import time

import nbdkit

API_VERSION = 2

image = None
flushfail = None
stall = None

CHUNK = 1 << 20


def config(key, value):
    global image, flushfail, stall
    if key == "file":
        image = os.path.abspath(value)
    elif key == "flushfail":
        flushfail = os.path.abspath(value)
    elif key == "stall":
        stall = os.path.abspath(value)
    else:
        raise RuntimeError("unknown parameter " + key)


def config_complete():
    if image is None:
        raise RuntimeError("file=IMAGE is required")


def thread_model():
    # os.pread and os.pwrite release the GIL: concurrent requests overlap as on a real disk.
    return nbdkit.THREAD_MODEL_PARALLEL


def open(readonly):
    return os.open(image, os.O_RDONLY if readonly else os.O_RDWR)


def close(fd):
    os.close(fd)


def get_size(fd):
    return os.fstat(fd).st_size


def can_trim(fd):
    return True


def can_zero(fd):
    return True


def _await_unstalled():
    while stall is not None and os.path.exists(stall):
        time.sleep(0.02)


def pread(fd, buf, offset, flags):
    _await_unstalled()
    view = memoryview(buf)
    done = 0
    while done < len(view):
        n = os.preadv(fd, [view[done:]], offset + done)
        if n == 0:
            nbdkit.set_error(errno.EIO)
            raise OSError(errno.EIO, "read past the end of " + image)
        done += n


def pwrite(fd, buf, offset, flags):
    _await_unstalled()
    view = memoryview(buf)
    done = 0
    while done < len(view):
        done += os.pwrite(fd, view[done:], offset + done)


def _write_zeroes(fd, count, offset):
    zeroes = bytes(min(count, CHUNK))
    while count > 0:
        n = os.pwrite(fd, zeroes[:min(count, CHUNK)], offset)
        offset += n
        count -= n


def trim(fd, count, offset, flags):
    # A trimmed range may read back as anything; zeroes keep the two copies comparable byte for byte.
    _await_unstalled()
    _write_zeroes(fd, count, offset)


def zero(fd, count, offset, flags):
    _await_unstalled()
    _write_zeroes(fd, count, offset)


def flush(fd, flags):
    _await_unstalled()
    if flushfail is not None and os.path.exists(flushfail):
        nbdkit.set_error(errno.EIO)
        raise OSError(errno.EIO, "flush fails while " + flushfail + " exists")
    os.fdatasync(fd)
