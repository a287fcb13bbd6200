"""Audio sources: a microphone (or two), and a file replayed as if it were one.

All sources share one small interface: `start()`, `read(timeout)` returning the
next 16 kHz float32 block (or None once stopped and drained), `levels` for a
meter, and `stop()`. The sounddevice callback only copies into a bounded queue;
a pump thread resamples, writes the take to FLAC and hands blocks on, so a slow
consumer never stalls capture and a crash keeps what was said.
"""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from listen_coach.audio.devices import InputDevice, find_input_device, pick_samplerate, sounddevice
from listen_coach.audio.files import SAMPLE_RATE, load_audio
from listen_coach.audio.level import FLOOR_DB, channel_dbfs
from listen_coach.audio.recorder import TakeRecorder
from listen_coach.errors import AudioError, DeviceLost

#: Callback block length. 50 ms keeps meters lively and latency far below the
#: ~1 s step of live captions.
BLOCK_SECONDS = 0.05
#: Raw blocks buffered between the audio callback and the pump (60 s).
MAX_QUEUE_SECONDS = 60.0
#: With the stream meant to be running, this long without a block means the
#: device is gone (USB unplugged, sound server died). PortAudio delivers a block
#: every 50 ms, so 2 s is 40 missed blocks: no false alarms under load.
STALL_SECONDS = 2.0
#: Before the first block, allow this long: PulseAudio's ALSA plugin took 1.5 s
#: to deliver the first block on our machines.
STARTUP_SECONDS = 10.0


class AudioSource(Protocol):
    channels: int

    def start(self) -> None: ...
    def read(self, timeout: float | None = None) -> np.ndarray | None: ...
    def stop(self) -> None: ...
    @property
    def levels(self) -> list[float]: ...


class _Pump:
    """Shared consumer side: the 16 kHz output queue, levels, the recorder, errors."""

    def __init__(self, channels: int, recorder: TakeRecorder | None, lossless: bool = False):
        self.channels = channels
        self.recorder = recorder
        #: A file replayed faster than real time waits for its reader instead of
        #: dropping blocks (a live microphone cannot wait, so it drops the oldest).
        self.lossless = lossless
        self._out: queue.Queue[np.ndarray | None] = queue.Queue(
            maxsize=int(MAX_QUEUE_SECONDS / BLOCK_SECONDS)
        )
        self._levels = [FLOOR_DB] * channels
        self.error: AudioError | None = None
        self.dropped_blocks = 0
        self.frames = 0

    def emit(self, block: np.ndarray) -> None:
        if block.size == 0:
            return
        if self.recorder is not None:
            self.recorder.write(block)
        self._levels = channel_dbfs(block)
        self.frames += len(block)
        if self.lossless:
            self._out.put(block)
            return
        try:
            self._out.put_nowait(block)
        except queue.Full:  # consumer far behind: drop the oldest, keep the newest
            try:
                self._out.get_nowait()
                self.dropped_blocks += 1
            except queue.Empty:
                pass
            self._out.put_nowait(block)

    def finish(self, error: AudioError | None = None) -> None:
        if error is not None and self.error is None:
            self.error = error
        if self.recorder is not None:
            self.recorder.close()
        if self.lossless:
            self._out.put(None)
            return
        while True:  # the end marker must arrive, or the reader waits for ever
            try:
                self._out.put_nowait(None)
                return
            except queue.Full:
                try:
                    self._out.get_nowait()
                    self.dropped_blocks += 1
                except queue.Empty:
                    pass

    def read(self, timeout: float | None) -> np.ndarray | None:
        try:
            block = self._out.get(timeout=timeout)
        except queue.Empty:
            return np.zeros((0,) if self.channels == 1 else (0, self.channels), np.float32)
        if block is None:
            try:
                self._out.put_nowait(None)  # stay finished for later reads
            except queue.Full:
                pass
            if self.error is not None:
                raise self.error
        return block

    def drain(self) -> None:
        """Forget what is queued (the reader has stopped)."""
        while True:
            try:
                self._out.get_nowait()
            except queue.Empty:
                return

    @property
    def levels(self) -> list[float]:
        return list(self._levels)


class MicrophoneSource:
    """Capture from one input device, resampled to 16 kHz, mono or two channels.

    `read()` returns an empty array when nothing arrived within `timeout`, the
    next block otherwise, and None once stopped; if the device was lost it
    raises DeviceLost after the blocks captured before the loss were read.
    """

    def __init__(
        self,
        device: str | int | None = None,
        channels: int = 1,
        recorder: TakeRecorder | None = None,
        stall_seconds: float = STALL_SECONDS,
    ):
        self.device_spec = device
        self.channels = channels
        self.stall_seconds = stall_seconds
        self._pump = _Pump(channels, recorder)
        self.device: InputDevice | None = None
        self.input_rate = SAMPLE_RATE
        self._raw: queue.Queue[np.ndarray] = queue.Queue(
            maxsize=int(MAX_QUEUE_SECONDS / BLOCK_SECONDS)
        )
        self._stream: Any = None
        self._thread: threading.Thread | None = None
        self._running = threading.Event()
        self.overflows = 0

    def start(self) -> None:
        sd = sounddevice()
        self.device = find_input_device(self.device_spec)
        if self.device.channels < self.channels:
            raise AudioError(
                f"{self.device.name} has {self.device.channels} input channel(s); one channel "
                f"per partner needs a stereo input, or two microphones (audio.second_device)."
            )
        self.input_rate = pick_samplerate(self.device, self.channels)
        try:
            stream = sd.InputStream(
                device=self.device.index,
                channels=self.channels,
                samplerate=self.input_rate,
                dtype="float32",
                blocksize=int(self.input_rate * BLOCK_SECONDS),
                callback=self._callback,
            )
            self._stream = stream
            self._running.set()
            stream.start()
        except sd.PortAudioError as exc:
            self._running.clear()
            self._pump.finish()
            raise AudioError(f"{self.device.name} could not be opened ({exc}).") from None
        self._thread = threading.Thread(target=self._run, name="mic-pump", daemon=True)
        self._thread.start()

    def _callback(self, indata: np.ndarray, frames: int, _time: object, status: object) -> None:
        # Runs on PortAudio's thread: copy and queue, nothing else.
        if status:
            self.overflows += 1
        try:
            self._raw.put_nowait(indata.copy())
        except queue.Full:
            self.overflows += 1

    def _run(self) -> None:
        import soxr

        resampler = None
        if self.input_rate != SAMPLE_RATE:
            resampler = soxr.ResampleStream(
                self.input_rate, SAMPLE_RATE, self.channels, dtype="float32"
            )
        last = time.monotonic()
        started = False
        error: AudioError | None = None
        while True:
            try:
                raw = self._raw.get(timeout=0.1)
            except queue.Empty:
                if not self._running.is_set():
                    break
                stream = self._stream
                quiet = time.monotonic() - last
                stalled = quiet > (self.stall_seconds if started else STARTUP_SECONDS)
                if stalled or (stream is not None and not stream.active):
                    name = self.device.name if self.device else "The microphone"
                    error = DeviceLost(
                        f"{name} stopped sending audio (unplugged, or the sound server "
                        f"stopped); what was recorded up to then is kept."
                    )
                    break
                continue
            last = time.monotonic()
            started = True
            block = raw if self.channels > 1 else raw[:, 0]
            if resampler is not None:
                block = resampler.resample_chunk(block)
            self._pump.emit(np.ascontiguousarray(block, dtype=np.float32))
        if resampler is not None and error is None:
            self._pump.emit(resampler.resample_chunk(
                np.zeros((0, self.channels) if self.channels > 1 else 0, np.float32), last=True
            ))
        self._close_stream()
        self._pump.finish(error)

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is None:
            return
        try:
            stream.abort()
            stream.close()
        except Exception:  # noqa: BLE001 - a dead device may fail to close; nothing to save
            pass

    def read(self, timeout: float | None = None) -> np.ndarray | None:
        return self._pump.read(timeout)

    def stop(self) -> None:
        """Stop capturing; blocks already captured can still be read."""
        if not self._running.is_set():
            return
        self._running.clear()
        if self._stream is not None:
            try:
                self._stream.stop()
            except Exception:  # noqa: BLE001
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def levels(self) -> list[float]:
        return self._pump.levels

    @property
    def error(self) -> AudioError | None:
        return self._pump.error

    @property
    def dropped_blocks(self) -> int:
        return self._pump.dropped_blocks


class DualMicrophoneSource:
    """Two mono microphones, one partner each, delivered as one stereo stream.

    The devices run on separate clocks; blocks are paired by sample count, so the
    channels stay aligned to within one block (50 ms) of start-up skew.
    """

    channels = 2

    def __init__(self, first: str | int | None, second: str | int | None,
                 recorder: TakeRecorder | None = None):
        self._a = MicrophoneSource(first, 1)
        self._b = MicrophoneSource(second, 1)
        self._pump = _Pump(2, recorder)
        self._bufs: list[list[np.ndarray]] = [[], []]
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._a.start()
        try:
            self._b.start()
        except AudioError:
            self._a.stop()
            raise
        if self._a.device and self._b.device and self._a.device.index == self._b.device.index:
            self.stop()
            raise AudioError("Both partners' microphones are the same device; choose two.")
        self._thread = threading.Thread(target=self._run, name="dual-mic", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        pending = [np.zeros(0, np.float32), np.zeros(0, np.float32)]
        done = [False, False]
        error: AudioError | None = None
        while not all(done):
            for i, src in enumerate((self._a, self._b)):
                if done[i]:
                    continue
                try:
                    block = src.read(timeout=0.05)
                except AudioError as exc:
                    error, block = exc, None
                if block is None:
                    done[i] = True
                    if error is not None:  # one side lost: stop the other, keep what we have
                        (self._b if i == 0 else self._a).stop()
                    continue
                pending[i] = np.concatenate([pending[i], block])
            n = min(len(pending[0]), len(pending[1]))
            if n:
                self._pump.emit(np.stack([pending[0][:n], pending[1][:n]], axis=1))
                pending = [pending[0][n:], pending[1][n:]]
        self._pump.finish(error)

    def read(self, timeout: float | None = None) -> np.ndarray | None:
        return self._pump.read(timeout)

    def stop(self) -> None:
        self._a.stop()
        self._b.stop()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def levels(self) -> list[float]:
        return self._pump.levels


class FileSource:
    """Replay a file as if it were a microphone, in real time or as fast as possible.

    Used by the demo, the solo drill's passage playback tests, and the live-caption
    lag benchmark (a replayed file's words have known end times).
    """

    def __init__(self, path: str | Path, stereo: bool = False, realtime: bool = True,
                 recorder: TakeRecorder | None = None, speed: float = 1.0):
        self.clip = load_audio(path, stereo=stereo)
        self.name = Path(path).name
        self.channels = 2 if stereo else 1
        self.realtime = realtime
        self.speed = speed
        self._pump = _Pump(self.channels, recorder, lossless=not realtime)
        self._thread: threading.Thread | None = None
        self._running = threading.Event()
        self.started_at = 0.0

    def start(self) -> None:
        self._running.set()
        self.started_at = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="file-source", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        step = int(SAMPLE_RATE * BLOCK_SECONDS)
        samples = self.clip.samples
        try:
            for i, begin in enumerate(range(0, len(samples), step)):
                if not self._running.is_set():
                    break
                if self.realtime:
                    due = self.started_at + (i + 1) * BLOCK_SECONDS / self.speed
                    delay = due - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                self._pump.emit(samples[begin:begin + step])
        except Exception as exc:  # noqa: BLE001 - e.g. the recording's disk is full
            self._pump.finish(AudioError(f"Replaying {self.name} failed ({exc})."))
            return
        self._pump.finish()

    def read(self, timeout: float | None = None) -> np.ndarray | None:
        return self._pump.read(timeout)

    def stop(self) -> None:
        self._running.clear()
        self._pump.drain()  # a replay waiting for room in the queue can now see the stop
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def levels(self) -> list[float]:
        return self._pump.levels
