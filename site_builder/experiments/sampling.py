"""Which recorded moments of a training run an animation shows, and which one its poster shows.

Evenly spaced steps spend an animation's time badly: most training runs move
a lot in their first few steps and then hardly at all, so evenly spaced frames
show one jump and then a long still ending. Instead, a run is recorded at many
*candidate* steps (:func:`candidate_steps`), and :func:`motion_frames` keeps
``frames`` of them:

* the fit is *settled* from the first candidate after which the prediction
  never again strays more than :data:`SETTLED` (a fraction of the plot's
  height, about a pixel) from where it ends;
* up to that candidate, frames are spaced mostly by the distance the
  prediction travels (its largest move on the grid), so each frame shows
  about the same amount of change, and partly (:data:`TIME_SHARE`) by the
  candidates' order, so a slow slide still gets frames;
* after it, a short hold of :data:`HOLD_FRACTION` of the frames, spread to
  the last step, so the status line still reaches the true final step.

A run that never settles (mini-batch noise, say) spends all its frames on
its motion. :func:`representative_frame` picks the poster: the last frame
when the run settled there, otherwise the late frame closest to the average
of the late predictions, so a run that hovers is shown where it hovers.

Everything here is a pure function of the arrays it is given.
"""

from __future__ import annotations

import numpy as np

__all__ = ["HOLD_FRACTION", "LATE_FRACTION", "SETTLED", "candidate_steps", "motion_frames", "representative_frame", "settled_index"]

SETTLED = 0.005  # a prediction within this fraction of the plot height of its final curve has stopped moving visibly
HOLD_FRACTION = 0.05  # of the frames, shown after the fit settled
CANDIDATES_PER_FRAME = 8  # candidate steps recorded per frame shown: enough to spread motion finely
LATE_FRACTION = 0.25  # the poster is chosen among this last fraction of the frames
TIME_SHARE = 0.3  # of the spacing up to settling that follows the candidates' order rather than the motion


def candidate_steps(steps: int, frames: int) -> tuple[int, ...]:
    """The steps a run records for :func:`motion_frames` to choose from: sorted, distinct, 0 and ``steps`` included.

    Evenly spaced steps and, because early training moves fastest,
    log-spaced ones as dense as every step at the start; at least ``frames``
    of them (every step when there are few).
    """
    if not 2 <= frames <= steps + 1:
        raise ValueError(f"cannot take {frames} distinct snapshots of {steps} steps")
    count = min(steps + 1, CANDIDATES_PER_FRAME * frames)
    even = np.round(np.linspace(0, steps, count))
    early = np.round(np.geomspace(1, steps, count)) if steps >= 1 else np.zeros(0)
    return tuple(int(s) for s in np.unique(np.concatenate([even, early, [0, steps]])))


def settled_index(predictions: np.ndarray, height: float) -> int:
    """The first row of ``predictions`` (``(M, G)``, one curve per candidate) from which every later row stays
    within :data:`SETTLED` ``* height`` of the last row, everywhere on the grid; the last row if none earlier."""
    distance = np.abs(predictions - predictions[-1]).max(axis=1)  # (M,)
    distance = np.where(np.isfinite(distance), distance, np.inf)
    beyond = np.maximum.accumulate(distance[::-1])[::-1]  # (M,) the furthest any row from here on strays
    return int(np.argmax(beyond <= SETTLED * height))  # the last row is 0 from itself, so argmax finds one


def motion_frames(predictions: np.ndarray, frames: int, height: float) -> tuple[int, ...]:
    """``frames`` distinct increasing row indices into ``predictions`` (``(M, G)``): first and last included, spaced
    by the prediction's motion up to :func:`settled_index`, then a short hold to the end.

    ``height`` is the plot's height in the predictions' units: motion and
    settling are measured against it. Falls back to evenly spaced rows when
    nothing moves.
    """
    count = len(predictions)
    if not 2 <= frames <= count:
        raise ValueError(f"cannot take {frames} distinct frames of {count} candidates")
    settled = settled_index(predictions, height)
    hold = 0 if settled == count - 1 else max(1, round(HOLD_FRACTION * frames))
    moving = min(frames - hold, settled + 1)  # frames for the motion, candidates 0..settled
    hold = frames - moving
    if hold and count - 1 - settled < hold:  # too few candidates after settling: start the motion's frames earlier
        return _evenly(count, frames)
    head = _spread_by_motion(predictions[: settled + 1], moving, height)
    tail = tuple(int(i) for i in np.round(np.linspace(settled, count - 1, hold + 1))[1:])
    chosen = head + tail
    return chosen if len(set(chosen)) == frames else _evenly(count, frames)


def representative_frame(steps: np.ndarray, predictions: np.ndarray, height: float) -> int:
    """The row of ``predictions`` (``(F, G)``, one per frame, at ``steps``) a still should show in place of the animation.

    The late rows are those in the last :data:`LATE_FRACTION` of the steps.
    The last row when it lies within :data:`SETTLED` ``* height`` of their
    mean (the run settled); otherwise the late row closest (root mean
    square) to that mean.
    """
    steps = np.asarray(steps, dtype=float)
    first_late = int(np.searchsorted(steps, steps[-1] - LATE_FRACTION * (steps[-1] - steps[0])))
    rows = predictions[first_late:]
    mean = rows.mean(axis=0)
    if np.abs(rows[-1] - mean).max() <= SETTLED * height:
        return len(predictions) - 1
    distance = np.sqrt(((rows - mean) ** 2).mean(axis=1))
    return first_late + int(np.argmin(distance))


def _spread_by_motion(predictions: np.ndarray, frames: int, height: float) -> tuple[int, ...]:
    """``frames`` distinct increasing rows, first and last included, at even steps of the distance travelled (mixed with time)."""
    count = len(predictions)
    if frames == count:
        return tuple(range(count))
    if frames == 1:
        return (count - 1,)
    step = np.abs(np.diff(predictions, axis=0)).max(axis=1) / height  # (M-1,) the largest move per candidate
    step = np.where(np.isfinite(step), step, 0.0)
    moved = np.concatenate([[0.0], np.cumsum(step)])  # (M,)
    if moved[-1] <= 0.0:
        return _evenly(count, frames)
    # Mostly motion, partly time: a long slow slide (a hinge creeping along) still gets frames.
    travelled = (1 - TIME_SHARE) * moved / moved[-1] + TIME_SHARE * np.linspace(0.0, 1.0, count)
    wanted = np.linspace(0.0, travelled[-1], frames)
    chosen = np.clip(np.searchsorted(travelled, wanted), 0, count - 1)
    chosen[0], chosen[-1] = 0, count - 1
    for i in range(1, frames):  # distinct and increasing, leaving room for the rest
        chosen[i] = max(chosen[i], chosen[i - 1] + 1)
    for i in range(frames - 2, -1, -1):
        chosen[i] = min(chosen[i], chosen[i + 1] - 1)
    return tuple(int(i) for i in chosen)


def _evenly(count: int, frames: int) -> tuple[int, ...]:
    return tuple(int(i) for i in np.round(np.linspace(0, count - 1, frames)))
