"""Running a bound network: the executor (one device), the device group (several ``mx.cpu``
devices), the fused C epoch path and device contexts."""
