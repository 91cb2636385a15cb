package io.podgate.internal.pod;

/** Makes a declared image available to the runtime and returns the reference CRI should use. */
@FunctionalInterface
public interface ImageResolver {
  String resolve(String declared, String origin);
}
