"""The checks a scan's bytes go through, run inside the sandbox (``counterdesk.documents.sandbox``).

This module runs as the checking process (``serve``): it reads files from stdin and checks each in
a forked worker that caps its memory and file writes and each file's CPU time (``Worker``), parses within the page, pixel and
decompressed-bytes budgets below, and answers one JSON verdict: ``{"pages": n}`` or
``{"code": ..., "detail": ...}``, where the detail is the Chinese sentence that follows the file's
name. It walks exactly what the application packet
copies of a PDF page (its boxes, resources and contents), so what passes here the packet can build.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import math
import os
import resource
import select
import signal
import sys
import time
import warnings
import zlib

MAX_PAGES = 500
"""Largest page count accepted for one file; more is a damaged or hostile file, not a scan."""
MAX_PIXELS = 80_000_000
"""Largest image (per page) accepted: an A3 colour scan at 600 dpi is about 70 megapixels."""
MAX_TOTAL_PIXELS = 2_000_000_000
"""Pixels of all pages of one image file together (500 A4 pages at 300 dpi are about 4.4 × 10⁹ bits of
1-bit data, but a fraction of this in pixels of the scans seen: 2 × 10⁹ covers 230 A4 colour pages)."""
MAX_PAGE_CONTENT_BYTES = 16 * 2**20
"""Decompressed drawing instructions of one PDF page; a scan's page needs a few hundred bytes."""
MAX_DECODED_BYTES = 256 * 2**20
"""Decompressed bytes of one PDF (contents and Flate images together)."""
MAX_DEPTH = 48
"""Nesting of a PDF page's objects (resources, forms, fonts); real files stay below 20."""
MAX_OBJECTS = 200_000
"""Objects reachable from a PDF's pages."""
MEMORY_BYTES = 768 * 2**20
"""Address space of the child (a full decode of the largest accepted colour image fits)."""
CPU_SECONDS = 20
"""CPU time of the child."""

_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/tiff": "TIFF"}
_PAGE_KEYS = ("/Resources", "/Contents")
_FLATE = ("/FlateDecode", "/Fl")


class Refused(Exception):
    """A verdict against the file: a code and the sentence that follows its name."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


DAMAGED_PDF = ("pdf_damaged", "是损坏或不完整的 PDF，无法读取，请重新扫描。")
DAMAGED_IMAGE = ("image_damaged", "是损坏或不完整的图片，无法读取，请重新扫描。")


def check(data: bytes, media_type: str) -> int:
    """The page count of an accepted file, or ``Refused`` saying why not."""
    if media_type == "application/pdf":
        return _pdf(data)
    return _image(data, media_type)


# -- PDF --------------------------------------------------------------------------------------------


def _pdf(data: bytes) -> int:
    from pypdf import PdfReader

    # A truncated upload loses its trailer first; pypdf would otherwise quietly rebuild it.
    if b"%%EOF" not in data[-2048:]:
        raise Refused(*DAMAGED_PDF)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise Refused("pdf_encrypted", "是加密的 PDF，请提供未加密的文件。")
        pages = len(reader.pages)
        if pages > MAX_PAGES:
            raise Refused("too_many_pages", f"有 {pages} 页，超过单个文件 {MAX_PAGES} 页的上限。")
        budget = _Budget()
        for number, page in enumerate(reader.pages, 1):
            _page(page, number, budget)
    except (Refused, MemoryError):
        raise
    except Exception:  # noqa: BLE001 - whatever a parser trips over in hostile bytes means "damaged"
        raise Refused(*DAMAGED_PDF) from None
    if pages == 0:
        raise Refused(*DAMAGED_PDF)
    return pages


class _Budget:
    """What one PDF has used so far of the decompressed-bytes and object budgets."""

    def __init__(self) -> None:
        self.decoded = 0
        self.objects = 0

    def spend(self, size: int) -> None:
        self.decoded += size
        if self.decoded > MAX_DECODED_BYTES:
            raise Refused("file_too_complex", f"解压后超过 {MAX_DECODED_BYTES // 2**20} MB 的上限，"
                                              "不像扫描件，为安全起见不予接收。")


def _page(page, number: int, budget: _Budget) -> None:
    box = page.mediabox
    if not (1 <= float(box.width) <= 14_400 and 1 <= float(box.height) <= 14_400):
        raise Refused(*DAMAGED_PDF)
    content = 0
    for stream in _contents(page):
        content += _decoded_size(stream, MAX_PAGE_CONTENT_BYTES - content)
        if content > MAX_PAGE_CONTENT_BYTES:
            raise Refused("file_too_complex", f"第 {number} 页的内容解压后超过 {MAX_PAGE_CONTENT_BYTES // 2**20} MB，"
                                              "不像扫描件，为安全起见不予接收。")
    budget.spend(content)
    _walk(page, number, budget)


def _contents(page) -> list:
    contents = page.get("/Contents")
    if contents is None:
        return []
    contents = contents.get_object()
    return [item.get_object() for item in contents] if isinstance(contents, list) else [contents]


def _decoded_size(stream, limit: int) -> int:
    """The stream's decoded length, decoding at most ``limit + 1`` bytes of it (and keeping none)."""
    filters = stream.get("/Filter")
    names = [str(f) for f in filters] if isinstance(filters, list) else [str(filters)] if filters else []
    raw = stream._data  # the encoded bytes; get_data() would keep the whole decoded stream in memory
    if not names:
        return len(raw)
    if names == ["/FlateDecode"] or names == ["/Fl"]:
        return _inflated_size(raw, limit)
    # Other filters (rare in scans) are decoded whole by pypdf, within its own per-stream limits
    # and this process's memory cap.
    return len(stream.get_data())


def _inflated_size(raw: bytes, limit: int) -> int:
    inflater = zlib.decompressobj()
    size = 0
    pending = raw
    while pending and size <= limit:
        size += len(inflater.decompress(pending, 1 << 20))
        pending = inflater.unconsumed_tail
    return size


def _walk(page, number: int, budget: _Budget) -> None:
    """Visit what the packet copies of a page, bounding depth and count; Flate images are decoded."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    seen: set[tuple[int, int]] = set()
    stack = [(page.raw_get(key), 1) for key in _PAGE_KEYS if key in page]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, IndirectObject):
            ident = (value.idnum, value.generation)
            if ident in seen:
                continue
            seen.add(ident)
            value = value.get_object()
        if depth > MAX_DEPTH:
            raise Refused("file_too_complex", f"第 {number} 页的对象嵌套超过 {MAX_DEPTH} 层，"
                                              "不像扫描件，为安全起见不予接收。")
        budget.objects += 1
        if budget.objects > MAX_OBJECTS:
            raise Refused("file_too_complex", f"包含的对象超过 {MAX_OBJECTS:,} 个，不像扫描件，为安全起见不予接收。")
        if isinstance(value, StreamObject) and value.get("/Subtype") == "/Image":
            _pdf_image(value, number, budget)
        if isinstance(value, DictionaryObject):
            stack.extend((item, depth + 1) for key, item in value.items() if key != "/Parent")
        elif isinstance(value, ArrayObject):
            stack.extend((item, depth + 1) for item in value)


def _pdf_image(image, number: int, budget: _Budget) -> None:
    width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
    if width * height > MAX_PIXELS:
        raise Refused("image_too_large", f"第 {number} 页的图像为 {width}×{height} 像素，"
                                         f"超过 {MAX_PIXELS // 10_000} 万像素的上限，请降低扫描分辨率。")
    filters = image.get("/Filter")
    if filters in _FLATE:
        # Four bytes a pixel is the most any colour space needs at 8 bits; more is a bomb.
        limit = max(width * height * 4, 1 << 16)
        size = _inflated_size(image._data, limit)
        if size > limit:
            raise Refused("file_too_complex", f"第 {number} 页的图像解压后远大于其尺寸，为安全起见不予接收。")
        budget.spend(size)


# -- images -----------------------------------------------------------------------------------------


def _image(data: bytes, media_type: str) -> int:
    from PIL import Image

    try:
        with warnings.catch_warnings():
            # Pillow warns (on stderr) about corrupt metadata; the checks below decide instead.
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _frames(Image.open(io.BytesIO(data), formats=[_FORMATS[media_type]]))
    except (Refused, MemoryError):
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused("image_too_large", "的图像尺寸过大，请降低扫描分辨率。") from None
    except Exception:  # noqa: BLE001 - whatever a decoder trips over in hostile bytes means "damaged"
        raise Refused(*DAMAGED_IMAGE) from None


def _frames(image) -> int:
    with image:
        frames = getattr(image, "n_frames", 1)
        if frames > MAX_PAGES:
            raise Refused("too_many_pages", f"有 {frames} 页，超过单个文件 {MAX_PAGES} 页的上限。")
        total = 0
        for index in range(frames):
            image.seek(index)
            width, height = image.size
            if width <= 0 or height <= 0:
                raise Refused(*DAMAGED_IMAGE)
            if width * height > MAX_PIXELS:
                raise Refused("image_too_large", f"的图像为 {width}×{height} 像素，超过 {MAX_PIXELS // 10_000} 万像素"
                                                 "的上限，请降低扫描分辨率。")
            total += width * height
            if total > MAX_TOTAL_PIXELS:
                raise Refused("image_too_large", f"各页合计超过 {MAX_TOTAL_PIXELS // 100_000_000} 亿像素的上限，"
                                                 "请分开扫描或降低分辨率。")
            # Every pixel is decoded, as the packet will: damage shows here, not at packet time.
            image.load()
    return frames


# -- the checking process --------------------------------------------------------------------------

FILES_PER_WORKER = 100
"""Files one worker checks before a fresh fork takes over, whatever they were."""
GROWTH_BYTES = 32 * 2**20
"""Address space a worker may keep beyond what it started with; past it, a fresh fork takes over,
so every file is checked with (almost) the whole ``MEMORY_BYTES`` however big the one before was."""


def _limit(kind: int, value: int) -> None:
    _, hard = resource.getrlimit(kind)
    resource.setrlimit(kind, (value if hard == resource.RLIM_INFINITY else min(value, hard), hard))


def _verdict(data: bytes, media_type: str) -> dict:
    try:
        return {"pages": check(data, media_type)}
    except Refused as refused:
        return {"code": refused.code, "detail": refused.detail}
    except (MemoryError, RecursionError):
        return {"code": "file_too_complex",
                "detail": f"解析所需内存超过 {MEMORY_BYTES // 2**20} MB 的上限，不像扫描件，为安全起见不予接收。"}


def _address_space() -> int | None:
    """This process's address space (what ``RLIMIT_AS`` caps), or None where /proc cannot tell."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _work(requests: int, answers: int) -> None:
    """The worker's loop: check each file sent on ``requests``, one JSON line each on ``answers``.

    Every file starts with a CPU budget of its own (the soft ``RLIMIT_CPU`` is moved to the time
    used so far plus ``CPU_SECONDS``), within the address space and write caps set once. After a
    file that leaves the worker much bigger than it started, or after ``FILES_PER_WORKER`` files,
    the answer says ``"last"`` and the worker ends: the next file gets a fresh fork.
    """
    for fd in (0, 1):  # the checking process's own pipes to the program are not the worker's
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, fd)
        os.close(null)
    _limit(resource.RLIMIT_AS, MEMORY_BYTES)
    _limit(resource.RLIMIT_FSIZE, 0)
    _limit(resource.RLIMIT_CORE, 0)
    gc.freeze()  # the inherited parsers stay untouched by collections (no copy-on-write of their pages)
    start = _address_space()
    with os.fdopen(requests, "rb") as incoming, os.fdopen(answers, "wb", buffering=0) as outgoing:
        for served in range(1, FILES_PER_WORKER + 1):
            header = incoming.readline()
            if not header:
                return
            request = json.loads(header)
            data = incoming.read(request["size"])
            used = resource.getrusage(resource.RUSAGE_SELF)
            _limit(resource.RLIMIT_CPU, math.ceil(used.ru_utime + used.ru_stime) + CPU_SECONDS)
            answer = _verdict(data, request["media_type"])
            del data
            gc.collect()
            size = _address_space()
            if served == FILES_PER_WORKER or size is None or start is None or size > start + GROWTH_BYTES:
                answer["last"] = True
            elif size < start:
                start = size  # grown from the smallest it has been: what the fork brought may have been freed
            outgoing.write(json.dumps(answer).encode() + b"\n")
            if answer.get("last"):
                return


class Worker:
    """A fork of the checking process that checks files one after another (see ``_work``).

    Only an accepted file leaves the worker serving: after a refusal, a crash, a killed check or a
    timeout the next file gets a fresh fork, so nothing a refused file did to the parsers' state or
    the heap is seen by the next one. A worker is a forked copy with the parsers already imported, so
    a fresh one costs a fork, not a start-up; reusing it saves even that for the common case of a
    batch of good scans. (It does not defend against a parser bug that gives a file control of the
    process: that file's code would run with the program's rights in a per-file fork as well.)
    """

    def __init__(self) -> None:
        to_worker, requests = os.pipe()
        answers, from_worker = os.pipe()
        gc.freeze()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(requests)
            os.close(answers)
            try:
                _work(to_worker, from_worker)
            finally:
                os._exit(0)
        gc.unfreeze()
        os.close(to_worker)
        os.close(from_worker)
        self.requests, self.answers = requests, answers
        self.alive = True

    def check(self, data: bytes, media_type: str, wall_seconds: float) -> dict | None:
        """The worker's answer, or None when it had ended before reading the file (not the file's doing)."""
        try:
            _write_all(self.requests, json.dumps({"media_type": media_type, "size": len(data)}).encode()
                       + b"\n" + data)
        except OSError:
            self.stop()
            return None
        line = bytearray()
        deadline = time.monotonic() + wall_seconds
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.answers], [], [], left)[0]:
                self.stop()
                return {"timeout": True}
            chunk = os.read(self.answers, 65536)
            if not chunk:
                status = self.stop()
                return {"signal": os.WTERMSIG(status)} if os.WIFSIGNALED(status) else {"failed": True}
            line += chunk
        try:
            answer = json.loads(line)
        except ValueError:
            answer = {"failed": True}
        if not isinstance(answer, dict) or not isinstance(answer.get("pages"), int) or answer.pop("last", False):
            self.stop()
        return answer

    def stop(self) -> int:
        """End the worker (killing it if it still runs); its wait status."""
        if not self.alive:
            return 0
        self.alive = False
        os.close(self.requests)
        os.close(self.answers)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        return os.waitpid(self.pid, 0)[1]


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


_worker: Worker | None = None


def check_in_worker(data: bytes, media_type: str, wall_seconds: float) -> dict:
    """Check one file in the current worker, forking a fresh one when there is none or it has ended."""
    global _worker
    for _attempt in range(2):
        if _worker is None or not _worker.alive:
            _worker = Worker()
        answer = _worker.check(data, media_type, wall_seconds)
        if answer is not None:
            return answer
    return {"failed": True}


def _warm_up() -> None:
    """Parse a tiny PDF and image of each kind once, before any fork.

    The parsers import and set up a good deal on first use; done here, every worker inherits it
    instead of paying it again.
    """
    from PIL import Image

    stream = b"0 0 m 1 1 l S"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Contents 4 0 R /Resources << >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    samples = [(bytes(out), "application/pdf")]
    for media_type, name in _FORMATS.items():
        buffer = io.BytesIO()
        Image.new("RGB", (2, 2)).save(buffer, name)
        samples.append((buffer.getvalue(), media_type))
    for data, media_type in samples:
        with contextlib.suppress(Refused):
            check(data, media_type)


def serve() -> None:
    """Answer check requests on stdin until it closes: a JSON header line, then the file's bytes.

    The parsers are imported and warmed up once here; files are checked in a worker forked from
    this process with the limits above (``Worker``), so no file's parse runs in this process.
    """
    _warm_up()
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    while header := requests.readline():
        request = json.loads(header)
        data = requests.read(request["size"])
        answer = check_in_worker(data, request["media_type"], request["wall_seconds"])
        answers.write(json.dumps(answer).encode() + b"\n")
        answers.flush()
