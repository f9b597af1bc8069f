// placeholder: the http_server adapter is being written.
