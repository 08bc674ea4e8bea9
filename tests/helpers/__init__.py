"""What the tests share: the machine's parts (browser, data, Node), the real server, and the
ways a person drives each page. Test files import from here, never from each other."""
