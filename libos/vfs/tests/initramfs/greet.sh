#!/bin/sh
echo tandem
