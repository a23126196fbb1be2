package io.sensorium.cli; public class Sensorium { public static void main(String[] a){} }
