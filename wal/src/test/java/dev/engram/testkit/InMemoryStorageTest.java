package dev.engram.testkit;

import dev.engram.io.Storage;

class InMemoryStorageTest extends StorageContract {
    @Override
    protected Storage newStorage() {
        return new InMemoryStorage();
    }
}
