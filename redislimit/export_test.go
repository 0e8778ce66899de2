package redislimit

// Flush waits for the publications that Observe started.
func (l *Limiter) Flush() { l.pending.Wait() }
