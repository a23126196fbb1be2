package io.sensorium.cli;

/**
 * What a reprocessing run reads of one partition of its input topic.
 *
 * @param start the first offset of the range
 * @param end   the first offset after the range: a stream that begins at or after it is not reprocessed
 * @param limit the partition's end when the run was first started: a stream still open at {@code end} is read on to
 *              its end marker up to here, and closed here if that marker had not come by then
 */
record PartitionRange(int partition, long start, long end, long limit) {
    long records() {
        return end - start;
    }
}
