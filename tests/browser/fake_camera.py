"""A fake camera for Chromium: a picture written as a Y4M video that Chromium plays as its webcam.

Chromium launched with `--use-fake-device-for-media-stream --use-file-for-fake-video-capture=
<file>.y4m` answers getUserMedia with the frames of that file, looped; with
`--use-fake-ui-for-media-stream` it also grants the camera without asking.
"""

from pathlib import Path

from PIL import Image

FRAME_SIZE = (640, 480)  # a common phone camera preview size
# The bench the sheet lies on: a mid grey, so the white paper and its quiet zone stand out.
BENCH_GREY = 150
# How much of the frame's height the printed code fills, as when a phone is held over it.
CODE_SHARE = 0.6
FRAMES = 3  # the same picture a few times: Chromium loops the file


def camera_args(video: Path) -> list[str]:
    """Chromium launch arguments that make `video` the camera and allow the camera."""
    return [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]


def framed(picture: Image.Image) -> Image.Image:
    """`picture` (a QR code cut from a sheet) on the bench, in the middle of a camera frame."""
    width, height = FRAME_SIZE
    side = int(height * CODE_SHARE)
    # NEAREST keeps each module a crisp square, as a sharp camera sees print.
    code = picture.convert("L").resize((side, side), Image.Resampling.NEAREST)
    frame = Image.new("L", FRAME_SIZE, BENCH_GREY)
    frame.paste(code, ((width - side) // 2, (height - side) // 2))
    return frame


def write_y4m(picture: Image.Image, path: Path) -> Path:
    """Write `picture`, framed as a camera sees it, as a short 4:2:0 Y4M video at `path`.

    Y4M is a text header and then, per frame, "FRAME" and the raw Y, U and V planes; the
    colour planes are half the width and height (C420jpeg).
    """
    frame = framed(picture).convert("YCbCr")
    luma, blue, red = frame.split()
    half = (FRAME_SIZE[0] // 2, FRAME_SIZE[1] // 2)
    planes = (
        luma.tobytes()
        + blue.resize(half, Image.Resampling.BILINEAR).tobytes()
        + red.resize(half, Image.Resampling.BILINEAR).tobytes()
    )
    header = f"YUV4MPEG2 W{FRAME_SIZE[0]} H{FRAME_SIZE[1]} F10:1 Ip A1:1 C420jpeg\n"
    with path.open("wb") as video:
        video.write(header.encode("ascii"))
        for _ in range(FRAMES):
            video.write(b"FRAME\n" + planes)
    return path
