"""drivers.scale.arrivals: the moment a chunk read off the port is known to have come in after. A confirm takes
only a weight that came in after the key, so a moment may be early (a frame waited for once more) but never late
(a weight from before the key booked)."""
from drivers.scale.arrivals import Arrivals


def test_bytes_not_waiting_at_a_look_came_in_after_it():
    arrivals = Arrivals(now=0.0)
    arrivals.seen(waiting=0, now=1.0)
    assert arrivals.took(18) == 1.0


def test_a_backlog_keeps_its_old_moment_however_many_reads_it_takes():
    arrivals = Arrivals(now=0.0)
    arrivals.seen(waiting=0, now=1.0)  # the reader looks, then is kept away from the port (a busy terminal)
    arrivals.seen(waiting=3000, now=5.0)  # the key was pressed at 4.0; the scale's old frames still wait
    assert arrivals.took(1024) == 1.0
    arrivals.seen(waiting=1976, now=5.1)
    assert arrivals.took(1024) == 1.0
    arrivals.seen(waiting=952 + 18, now=5.2)  # 18 bytes more came in after the look at 5.1
    assert arrivals.took(952) == 1.0
    arrivals.seen(waiting=18, now=5.3)
    assert arrivals.took(18) == 5.1


def test_a_stream_sent_back_to_back_moves_on_one_look_behind():
    arrivals = Arrivals(now=0.0)
    moments = []
    for k in range(1, 6):
        arrivals.seen(waiting=5, now=float(k))  # a few bytes always waiting at every look
        moments.append(arrivals.took(23))  # those and the rest of a frame that came during the read
    assert moments == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_a_flush_forgets_what_waited():
    arrivals = Arrivals(now=0.0)
    arrivals.seen(waiting=100, now=1.0)
    arrivals.reset(now=2.0)
    arrivals.seen(waiting=0, now=3.0)
    assert arrivals.took(18) == 3.0


def test_after_a_full_count_chunks_keep_the_last_empty_moment_until_the_port_is_seen_empty():
    """A tty shows at most 4,095 bytes waiting; what the kernel holds behind them shows up later, looking new."""
    arrivals = Arrivals(now=0.0)
    arrivals.seen(waiting=0, now=1.0)
    arrivals.seen(waiting=4095, now=5.0)  # the count at its ceiling: more may wait unseen
    assert arrivals.took(4095) == 1.0
    arrivals.seen(waiting=4095, now=5.1)  # the hidden bytes, counted only now
    assert arrivals.took(4095) == 1.0
    arrivals.seen(waiting=300, now=5.2)
    assert arrivals.took(300) == 1.0
    arrivals.seen(waiting=0, now=5.3)  # drained at last
    arrivals.seen(waiting=18, now=5.4)
    assert arrivals.took(18) == 5.3
