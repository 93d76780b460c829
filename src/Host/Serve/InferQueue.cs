namespace GrnFast.Host.Serve;

/// <summary>
/// The <c>infer</c> requests of a session: run one at a time in arrival order on one worker thread, while the
/// reader keeps answering. Knows which ids are open (waiting or running) for <c>cancel</c> and id checks.
/// </summary>
internal sealed class InferQueue
{
    private readonly object _gate = new();
    private readonly LinkedList<InferJob> _waiting = new();
    private readonly Action<InferJob> _run;
    private readonly Thread _worker;
    private InferJob? _running;
    private bool _closed;

    public InferQueue(Action<InferJob> run)
    {
        _run = run;
        _worker = new Thread(Work) { IsBackground = true, Name = "grnfast infer worker" };
        _worker.Start();
    }

    public bool IsOpen(RequestId id)
    {
        lock (_gate) return _running?.Id == id || _waiting.Any(j => j.Id == id);
    }

    public void Enqueue(InferJob job)
    {
        lock (_gate)
        {
            if (_closed) throw new InvalidOperationException("the queue is closed");
            _waiting.AddLast(job);
            Monitor.Pulse(_gate);
        }
    }

    public enum CancelOutcome { NotFound, Waiting, Running }

    /// <summary>Cancels <paramref name="id"/>. A waiting job is taken out of the queue and returned in <paramref name="removed"/>.</summary>
    public CancelOutcome Cancel(RequestId id, out InferJob? removed)
    {
        removed = null;
        lock (_gate)
        {
            if (_running?.Id == id)
            {
                _running.Cancel();
                return CancelOutcome.Running;
            }
            for (var node = _waiting.First; node is not null; node = node.Next)
            {
                if (node.Value.Id != id) continue;
                removed = node.Value;
                _waiting.Remove(node);
                return CancelOutcome.Waiting;
            }
            return CancelOutcome.NotFound;
        }
    }

    /// <summary>
    /// Stops taking jobs: cancels the running one, returns the waiting ones (not run), and waits until the worker
    /// has finished the running one (it answers <c>cancelled</c> or, if it was done, its result).
    /// </summary>
    public List<InferJob> Close()
    {
        List<InferJob> waiting;
        lock (_gate)
        {
            _closed = true;
            waiting = [.. _waiting];
            _waiting.Clear();
            _running?.Cancel();
            Monitor.PulseAll(_gate);
        }
        _worker.Join();
        return waiting;
    }

    private void Work()
    {
        while (true)
        {
            InferJob job;
            lock (_gate)
            {
                while (_waiting.Count == 0 && !_closed) Monitor.Wait(_gate);
                if (_waiting.Count == 0) return;
                job = _waiting.First!.Value;
                _waiting.RemoveFirst();
                _running = job;
            }
            try
            {
                _run(job);
            }
            finally
            {
                lock (_gate) _running = null;
                job.Dispose();
            }
        }
    }
}
